#!/usr/bin/python3
# browser-style.py URL WORKDIR SELECTOR PROPERTY VALUE IMAGE: headless
# Chromium loads URL; the element SELECTOR must have the computed style
# PROPERTY = VALUE (so its stylesheet was fetched and applied), and the
# image IMAGE (a CSS selector) must have loaded. Prints "styled" if so.
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

url, workdir, selector, prop, value, image = sys.argv[1:7]
opts = Options()
opts.binary_location = "/usr/bin/chromium"
for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync",
            "--user-data-dir=" + tempfile.mkdtemp(dir=workdir)):
    opts.add_argument(arg)
browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
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
