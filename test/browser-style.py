#!/usr/bin/python3
# browser-style.py URL WORKDIR SELECTOR PROPERTY VALUE IMAGE: headless
# Chromium loads URL; the element SELECTOR must have the computed style
# PROPERTY = VALUE (so its stylesheet was fetched and applied), and the
# image IMAGE (a CSS selector) must have loaded. Prints "styled" if so.
import sys

import chromium


url, workdir, selector, prop, value, image = sys.argv[1:7]
browser = chromium.start(workdir)
try:
    browser.get(url)
    got = browser.execute_script(
        "var e = document.querySelector(arguments[0]);"
        "return e ? getComputedStyle(e).getPropertyValue(arguments[1]) : null;",
        selector, prop)
    if got != value:
        sys.exit("browser: %s %s is %r, wanted %r\n--- page ---\n%s"
                 % (selector, prop, got, value, browser.page_source[:2000]))
    width = browser.execute_script(
        "var i = document.querySelector(arguments[0]);"
        "return i && i.complete ? i.naturalWidth : 0;", image)
    if not width:
        sys.exit("browser: the image %s did not load" % image)
    print("styled")
finally:
    browser.quit()
