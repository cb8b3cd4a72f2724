"""Browser tests: the site in Debian's Chromium, driven by Playwright."""
