#!/usr/bin/python3
# Drives headless Chromium through the example site at the URL given: the
# front page, the listing, the form (urlencoded POST) and the upload
# (multipart POST) to CGI scripts. Exits non-zero on the first mismatch.
import hashlib
import os
import sys

import chromium

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

url, workdir = sys.argv[1], sys.argv[2]
browser = chromium.start(workdir)


def wait_title(title):
    """A click returns before the next page is there: wait for it."""
    try:
        WebDriverWait(browser, 20).until(lambda b: b.title == title)
    except Exception:
        expect(False, "title %r, wanted %r" % (browser.title, title))


def expect(cond, what):
    if not cond:
        browser.save_screenshot(os.path.join(workdir, "failure.png"))
        sys.exit("browser: %s\n--- page ---\n%s" % (what, browser.page_source[:2000]))


try:
    browser.get(url)
    expect(browser.title == "cgiinetd example site", "front page title: %r" % browser.title)
    browser.find_element(By.LINK_TEXT, "A directory listing").click()
    wait_title("Directory listing for /files/")
    browser.find_element(By.LINK_TEXT, "notes.txt").click()
    WebDriverWait(browser, 20).until(lambda b: "A plain text file." in b.page_source)

    browser.get(url)
    field = browser.find_element(By.NAME, "message")
    field.clear()
    field.send_keys('<b>bold</b> & "quoted"')
    browser.find_element(By.ID, "send").click()
    wait_title("Form received")
    dds = [e.text for e in browser.find_elements(By.TAG_NAME, "dd")]
    expect(dds == ["Ada", '<b>bold</b> & "quoted"'], "form fields: %r" % dds)

    browser.get(url)
    data = os.urandom(300000)
    path = os.path.join(workdir, "upload.bin")
    with open(path, "wb") as f:
        f.write(data)
    browser.find_element(By.NAME, "file").send_keys(path)
    browser.find_element(By.ID, "upload").click()
    wait_title("Upload received")
    dds = [e.text for e in browser.find_elements(By.TAG_NAME, "dd")]
    want = "file upload.bin, %d bytes, sha256 %s" % (len(data), hashlib.sha256(data).hexdigest())
    expect(dds == ["a file for you", want], "upload fields: %r" % dds)
    browser.save_screenshot(os.path.join(workdir, "upload.png"))
finally:
    browser.quit()
print("browser: all pages as expected")
