"""The demo site's sample content: data files beside their loader, outside the runtime apps."""
