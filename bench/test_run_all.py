"""`make bench` reads wrk's reports: the figures in its table are the ones wrk measured.

The harness as a whole (servers, nginx, wrk) runs with `make bench-smoke`; it needs
wrk and nginx and takes over a minute, so it is not part of the suite.
"""

from bench.run_all import Case, accepted_answers, markdown_table, parse_wrk

# A report as wrk 4.1 prints it with --latency, for a run with some failures.
WRK_REPORT = """\
Running 8s test @ http://127.0.0.1:18501/energy/a-post/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   210.11ms  101.52ms   1.31s    80.12%
    Req/Sec    76.40     20.31   130.00     70.00%
  Latency Distribution
     50%  402.00us
     75%  220.35ms
     90%  310.02ms
     99%    1.05s
  1218 requests in 8.02s, 25.10MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 12
Requests/sec:    151.87
Transfer/sec:      3.13MB
"""


def test_the_rate_and_the_answers_are_the_ones_wrk_reports():
    figures = parse_wrk(WRK_REPORT)
    assert figures["requests_per_second"] == 151.87
    assert figures["answers"] == 1218


def test_latencies_in_microseconds_and_seconds_are_shown_in_milliseconds():
    figures = parse_wrk(WRK_REPORT)
    assert figures["p50_ms"] == 0.402
    assert figures["p99_ms"] == 1050


def test_failed_answers_and_socket_errors_are_the_case_s_errors():
    assert parse_wrk(WRK_REPORT)["errors"] == 12 + 2 + 3


def test_a_clean_run_has_no_errors():
    clean = WRK_REPORT.replace("  Socket errors: connect 0, read 2, write 0, timeout 3\n", "")
    clean = clean.replace("  Non-2xx or 3xx responses: 12\n", "")
    assert parse_wrk(clean)["errors"] == 0


def test_only_a_redirect_to_a_comment_s_status_page_counts_as_accepted():
    tally = (
        "answer\t303 /comments/status/\t40\n"
        "answer\t303 /comments/status/\t7\n"  # the other wrk thread
        "answer\t200 \t3\n"  # the form again, with its errors
        "answer\t302 /energy/a-post/\t2\n"
    )
    assert accepted_answers(WRK_REPORT + tally) == (47, 5)


def test_each_case_is_compared_with_nginx_serving_the_same_bytes():
    table = markdown_table([
        Case("post page's bytes as a file", "nginx", 20_000, 0.1, 2.0, 0),
        Case("post page, uncached render", "serve", 100, 250.0, 900.0, 0),
    ])  # fmt: skip
    nginx_row, page_row = table.splitlines()[2:]
    assert "| 20,000 |" in nginx_row and "| 1.0000 |" in nginx_row
    assert "| 100 |" in page_row and "| 0.0050 |" in page_row


def test_a_case_with_failed_answers_says_how_many_in_its_row():
    table = markdown_table([
        Case("post page's bytes as a file", "nginx", 20_000, 0.1, 2.0, 0),
        Case("hub, uncached render", "serve", 90, 300.0, 5000.0, 1234),
    ])  # fmt: skip
    assert "1,234 failed or refused answers" in table.splitlines()[3]
    assert "failed" not in table.splitlines()[2]
