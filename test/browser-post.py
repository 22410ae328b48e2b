#!/usr/bin/python3
# browser-post.py URL WORKDIR SIZE SCRIPT: headless Chromium fills the
# form of /post.html with SIZE bytes and sends it to /cgi-bin/SCRIPT (one
# that never reads them); the page that comes back must be its 100000
# bytes.
import sys

import chromium

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

url, workdir, size, script = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
browser = chromium.start(workdir)
try:
    browser.get(url + "/post.html")
    browser.execute_script("document.querySelector('textarea').value = 'a'.repeat(%d);"
                           "document.querySelector('form').action = '/cgi-bin/%s?100000'"
                           % (size, script))
    browser.find_element(By.ID, "send").click()
    WebDriverWait(browser, 30).until(lambda b: b.title != "post")
    text = browser.find_element(By.TAG_NAME, "body").text
    if text != "x" * 100000:
        sys.exit("browser: got %d bytes: %r" % (len(text), text[:200]))
finally:
    browser.quit()
