"""Checks run on every page the browser tests visit: every form field has a label, and
every piece of text passes WCAG AA contrast against the background it sits on."""

from __future__ import annotations

from playwright.sync_api import Page

UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(e => e.type !== 'hidden' && e.offsetParent !== null)
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
  .map(e => e.outerHTML.slice(0, 120))"""

LOW_CONTRAST = """() => {
  function rgba(text) {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(',').map(s => parseFloat(s));
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  }
  function luminance([r, g, b]) {
    const c = [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }
  function background(el) {
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0.5) return c;
    }
    return [255, 255, 255, 1];
  }
  const failures = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.map, .chart, script, style, [hidden]') || el.offsetParent === null) continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const style = getComputedStyle(el);
    if (parseFloat(style.opacity) < 1) continue;
    const fg = rgba(style.color), bg = background(el);
    const a = luminance(fg), b = luminance(bg);
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed) failures.push(el.tagName + '.' + el.className + ' "' + el.textContent.trim().slice(0, 30) + '" ' + ratio.toFixed(2));
  }
  return failures;
}"""


def check_accessible(page: Page) -> None:
    """Fail the test if a visible field lacks a label or any text fails AA contrast."""
    unlabelled = page.evaluate(UNLABELLED)
    assert unlabelled == [], f"{page.url}: fields without a label: {unlabelled}"
    low = page.evaluate(LOW_CONTRAST)
    assert low == [], f"{page.url}: text below WCAG AA contrast: {low[:10]}"
