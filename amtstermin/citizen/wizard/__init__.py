"""The booking wizard: services and quantities → location → day → time → contact → summary."""
