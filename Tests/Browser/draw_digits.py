#!/usr/bin/env python3
"""Draws digits on `digits serve`'s page in headless Chromium and reports what the page predicts.

    draw_digits.py URL SCREENSHOT_DIR

Opens URL, draws a stroke shaped like a 1 with a mouse, reads the prediction off the page, clears
the pad, draws a 0 with a finger (touch pointer events), and reads that prediction too. Prints one
JSON object: {"one": "<digit>", "zero": "<digit>", "screenshots": [...]}. Screenshots of each
answer go to SCREENSHOT_DIR. Exits 2 when Selenium, Chromium or its driver is missing (the
calling test skips with that message), 1 on any other failure.
"""

import json
import math
import os
import shutil
import sys

try:
    from selenium import webdriver
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.actions.interaction import POINTER_MOUSE, POINTER_TOUCH
    from selenium.webdriver.common.actions.pointer_input import PointerInput
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:
    print("Selenium is not installed (pip install selenium)", file=sys.stderr)
    sys.exit(2)


def find_browser():
    """The Chromium binary and its driver, or exits 2 saying which is missing."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        missing = "chromium" if browser is None else "chromedriver"
        print(f"{missing} is not installed (apt-get install chromium chromium-driver)", file=sys.stderr)
        sys.exit(2)
    return browser, driver


def start_browser(browser, driver, width, height):
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    options.add_argument("--headless=new")
    # Root in a container has no user namespace for Chromium's sandbox.
    options.add_argument("--no-sandbox")
    options.add_argument("--disable-dev-shm-usage")
    options.add_argument("--disable-gpu")
    options.add_argument(f"--window-size={width},{height}")
    service = webdriver.ChromeService(executable_path=driver)
    return webdriver.Chrome(options=options, service=service)


def stroke(session, element, points, kind):
    """Presses at the first point (in [0, 1] of the element's box), moves through the rest, releases."""
    box = element.rect
    pointer = PointerInput(kind, "drawing-" + kind)
    actions = ActionBuilder(session, mouse=pointer, duration=10)

    def at(point):
        # Offsets are from the element's centre.
        return int((point[0] - 0.5) * box["width"]), int((point[1] - 0.5) * box["height"])

    x, y = at(points[0])
    actions.pointer_action.move_to(element, x, y).pointer_down()
    for point in points[1:]:
        x, y = at(point)
        actions.pointer_action.move_to(element, x, y)
    actions.pointer_action.pointer_up()
    actions.perform()


def answer(session, timeout=20):
    """Waits for the page to finish answering the whole stroke; returns the predicted digit's text."""
    # The state, its message and whether a stroke is under way are read in one script, and the
    # read that ends the wait is the one judged: the page may move on between two reads. The
    # driver can return from drawing before the page has handled the last moves, and a slow
    # server can answer the stroke so far between two of them, so an answer counts only once
    # the pen is up.
    read = (
        "return [document.body.dataset.state, document.getElementById('status').textContent,"
        " 'drawing' in document.body.dataset]"
    )
    seen = []

    def settled(s):
        seen[:] = s.execute_script(read)
        return seen[0] in ("answered", "error") and not seen[2]

    WebDriverWait(session, timeout).until(settled)
    state, message, _ = seen
    if state != "answered":
        raise RuntimeError("the page reported an error: " + message)
    return session.find_element(By.ID, "prediction").text.strip()


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 1
    url, screenshots = sys.argv[1], sys.argv[2]
    browser, driver = find_browser()
    os.makedirs(screenshots, exist_ok=True)
    # A phone-sized window: the page must be usable there.
    session = start_browser(browser, driver, 430, 932)
    saved = []
    try:
        session.get(url)
        pad = session.find_element(By.ID, "pad")
        WebDriverWait(session, 10).until(
            lambda s: s.find_element(By.TAG_NAME, "body").get_attribute("data-state") == "idle"
        )

        # A 1: one slightly slanted vertical stroke, drawn with the mouse.
        one = [(0.55 - 0.06 * t / 20, 0.18 + 0.64 * t / 20) for t in range(21)]
        stroke(session, pad, one, POINTER_MOUSE)
        predicted_one = answer(session)
        path = os.path.join(screenshots, "drawn-one.png")
        session.save_screenshot(path)
        saved.append(path)

        session.find_element(By.ID, "clear").click()
        WebDriverWait(session, 10).until(lambda s: s.find_element(By.ID, "prediction").text.strip() == "")

        # A 0: a closed oval, drawn with a finger.
        zero = [
            (0.5 + 0.2 * math.sin(2 * math.pi * t / 40), 0.5 - 0.3 * math.cos(2 * math.pi * t / 40))
            for t in range(43)
        ]
        stroke(session, pad, zero, POINTER_TOUCH)
        predicted_zero = answer(session)
        path = os.path.join(screenshots, "drawn-zero.png")
        session.save_screenshot(path)
        saved.append(path)
    finally:
        session.quit()
    print(json.dumps({"one": predicted_one, "zero": predicted_zero, "screenshots": saved}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
