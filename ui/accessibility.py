"""What the page tells assistive technology beyond Streamlit's own markup (WCAG 2.1 AA).

- the document title names the page (and the plan) in the user's language (2.4.2);
- ``<html lang>`` follows the UI language (3.1.1): Streamlit serves ``lang="en"`` and has no
  setting, so a small script sets it on every run;
- a "skip to the plan's pages" link is the first Tab stop (2.4.1) and moves the focus to the
  navigation, so it is never behind the page's buttons;
- the focus goes where the next step is: the sign-in form's first field, the skip link once
  signed in, the start of the content after moving to another page;
- a field a service refuses empty says so in its label, "(obligatorio)", and to assistive
  technology, ``aria-required`` (3.3.2, 4.1.2: ``required_label``); a field a refusal names is
  ``aria-invalid``, described by the refusal, and takes the focus (3.3.1: ``invalid_field``).
"""

from __future__ import annotations

import json
import re

import streamlit as st

from tracker import palette
from tracker.i18n import t

PAGE_TITLE_KEY = "a11y_page_title"


def document_title(lang: str, page: str | None = None, plan: str | None = None) -> str:
    """"Resumen · Plan … — Seguimiento del plan de trabajo conjunto"; plain text (the browser's
    title is never Markdown)."""
    app = t("app.title", lang)
    if not page:
        return app
    if plan:
        return t("app.document_title_plan", lang, page=page, plan=plan, app=app)
    return t("app.document_title", lang, page=page, app=app)


def set_page(lang: str, page: str) -> None:
    """The document title of this run's page (``dashboard.py``, once the page is known)."""
    st.session_state[PAGE_TITLE_KEY] = page
    st.set_page_config(page_title=document_title(lang, page))


def set_plan(lang: str, plan: str) -> None:
    """Adds the plan the page shows to its document title (the plan picker calls it)."""
    page = st.session_state.get(PAGE_TITLE_KEY)
    if page:
        st.set_page_config(page_title=document_title(lang, page, plan))


# Runs in the page (st.html with JavaScript): sets <html lang> and keeps one skip link as the
# body's first element, outside Streamlit's React root. The link opens the sidebar when it is
# collapsed and focuses the current page's link in the navigation.
_SCRIPT = """<script>
(() => {
  const texts = %(texts)s;
  document.documentElement.lang = texts.lang;
  let link = document.getElementById('tracker-skip-to-pages');
  if (!link) {
    link = document.createElement('a');
    link.id = 'tracker-skip-to-pages';
    link.href = '#';
    link.className = 'tracker-skip-link';
    link.addEventListener('click', (event) => {
      event.preventDefault();
      const focusNav = () => {
        const nav = document.querySelector('[data-testid=stSidebarNav]');
        const target = nav && (nav.querySelector('a[aria-current=page]') || nav.querySelector('a'));
        if (target) { target.focus(); return true; }
        return false;
      };
      if (!focusNav()) {
        const open = document.querySelector('[data-testid=stExpandSidebarButton]')
          || document.querySelector('[data-testid=stSidebarCollapsedControl] button');
        if (open) { open.click(); setTimeout(focusNav, 300); }
      }
    });
    const style = document.createElement('style');
    style.textContent = '.tracker-skip-link{position:fixed;left:8px;top:-60px;z-index:1000100;'
      + 'padding:8px 16px;background:%(background)s;color:%(primary)s;'
      + 'border:2px solid %(primary)s;'
      + 'border-radius:4px;font:600 16px sans-serif;text-decoration:underline}'
      + '.tracker-skip-link:focus{top:8px;outline:3px solid %(primary)s;outline-offset:2px}'
      // reflow (1.4.10): below 900 px a chart keeps the width its labels need and scrolls
      // sideways in its own box (two-dimensional content), never squeezed or cut
      + '@media (max-width:900px){[data-testid=stElementContainer]:has([data-testid=stPlotlyChart])'
      + '{overflow-x:auto}[data-testid=stFullScreenFrame]:has(> [data-testid=stPlotlyChart])'
      + '{min-width:860px}}'
      // the focus seen (2.4.7, 1.4.11): Streamlit marks a focused page link by a tint of
      // about 1.1:1 against the sidebar; a chart's scroll box gets the same outline
      + '[data-testid=stSidebarNav] a:focus-visible,.tracker-scroll-box:focus-visible'
      + '{outline:3px solid %(primary)s;outline-offset:-3px}'
      // a caption is text at 60 %% opacity, which took a link in it down to 3.5:1 (1.4.3):
      // a caption with a link is greyed by its colour instead, the link at full strength
      + '[data-testid=stCaptionContainer]:has(a){opacity:1;color:%(caption)s}'
      + '.tracker-visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;'
      + 'clip:rect(0 0 0 0);white-space:nowrap}';
    document.head.appendChild(style);
    document.body.prepend(link);
  }
  if (!window.trackerScrollWatch) {
    // a chart or table that scrolls sideways in its box (reflow) is one Tab stop, so the
    // keyboard can scroll it (2.1.1); a box that fits is no stop at all
    const boxes = () => {
      const charts = [...document.querySelectorAll('[data-testid=stPlotlyChart]')]
        .map((chart) => chart.closest('[data-testid=stElementContainer]'));
      for (const box of [...charts, ...document.querySelectorAll('[data-testid=stTable] div')]) {
        if (!box) { continue; }
        const sideways = ['auto', 'scroll'].includes(getComputedStyle(box).overflowX);
        const scrolls = sideways && box.scrollWidth > box.clientWidth + 1;
        if (scrolls && !box.classList.contains('tracker-scroll-box')) {
          box.classList.add('tracker-scroll-box');
          box.setAttribute('tabindex', '0');
        } else if (!scrolls && box.classList.contains('tracker-scroll-box')) {
          box.classList.remove('tracker-scroll-box');
          box.removeAttribute('tabindex');
        }
      }
    };
    let queued = false;
    const soon = () => {
      if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; boxes(); }); }
    };
    window.trackerScrollWatch = new MutationObserver(soon);
    window.trackerScrollWatch.observe(document.body, {childList: true, subtree: true});
    window.addEventListener('resize', soon);
    boxes();
  }
  window.trackerRequiredMark = texts.required;
  if (!window.trackerFields) {
    // the fields' states, kept on every redraw: aria-required on a field whose label ends
    // with the marker (ui.accessibility.required_label); aria-invalid, described by the
    // refusal, on the field a refusal names while the refusal is shown (invalid_field)
    const control = (box) => box && box.querySelector('textarea, [role=combobox], '
      + 'input:not([type=hidden]):not([type=checkbox]):not([type=radio])');
    window.trackerFieldControl = (key) => control(
      document.querySelector('.st-key-' + CSS.escape(key)));
    const describedBy = (field, id, add) => {
      const ids = (field.getAttribute('aria-describedby') || '').split(' ')
        .filter((token) => token && token !== id);
      if (add) { ids.push(id); }
      if (ids.length) { field.setAttribute('aria-describedby', ids.join(' ')); }
      else { field.removeAttribute('aria-describedby'); }
    };
    window.trackerFields = () => {
      for (const label of document.querySelectorAll('[data-testid=stWidgetLabel]')) {
        const field = control(label.closest('[data-testid=stElementContainer]'));
        if (!field) { continue; }
        const required = label.textContent.trim().endsWith(window.trackerRequiredMark);
        if (required && field.getAttribute('aria-required') !== 'true') {
          field.setAttribute('aria-required', 'true');
          field.dataset.trackerRequired = '';
        } else if (!required && 'trackerRequired' in field.dataset) {
          field.removeAttribute('aria-required');
          delete field.dataset.trackerRequired;
        }
      }
      const wanted = new Map();  // field -> the refusal that names it, drawn now
      for (const mark of document.querySelectorAll('[data-tracker-invalid-field]')) {
        const box = mark.closest('[data-testid=stVerticalBlock]');
        const message = box && box.querySelector('[data-testid=stAlertContainer]');
        const field = window.trackerFieldControl(mark.dataset.trackerInvalidField);
        if (message && field) { wanted.set(field, message); }
      }
      for (const field of document.querySelectorAll('[data-tracker-invalid]')) {
        if (!wanted.has(field)) {
          field.removeAttribute('aria-invalid');
          describedBy(field, field.dataset.trackerInvalid, false);
          delete field.dataset.trackerInvalid;
        }
      }
      for (const [field, message] of wanted) {
        if (!message.id) { message.id = 'tracker-refusal-' + (++window.trackerRefusals); }
        const before = field.dataset.trackerInvalid;
        if (before && before !== message.id) { describedBy(field, before, false); }
        field.dataset.trackerInvalid = message.id;
        // the widget's own code may set these again when it redraws: checked each time
        if (field.getAttribute('aria-invalid') !== 'true') {
          field.setAttribute('aria-invalid', 'true');
        }
        const ids = (field.getAttribute('aria-describedby') || '').split(' ');
        if (!ids.includes(message.id)) { describedBy(field, message.id, true); }
      }
    };
    window.trackerRefusals = 0;
    let queued = false;
    new MutationObserver(() => {
      if (!queued) {
        queued = true;
        requestAnimationFrame(() => { queued = false; window.trackerFields(); });
      }
    }).observe(document.body, {childList: true, subtree: true, characterData: true,
                               attributeFilter: ['aria-describedby', 'aria-invalid',
                                                 'aria-required']});
  }
  window.trackerFields();
  link.textContent = texts.skip;
  link.hidden = !texts.pages;
  // where the keyboard goes next: after signing in, the skip link (the pages are one Enter
  // away); after moving to another page, the start of that page's content
  const before = window.trackerShownPage;
  window.trackerShownPage = texts.page;
  if (!texts.pages && !window.trackerFormFocused) {
    // the sign-in form is the page's one task: its first field has the focus on arrival
    window.trackerFormFocused = true;
    let tries = 0;
    const focusForm = () => {
      const field = document.querySelector('[data-testid=stMain] [data-testid=stForm] input');
      if (field && document.activeElement === document.body) { field.focus(); }
      else if (!field && tries++ < 40) { setTimeout(focusForm, 50); }
    };
    focusForm();
  }
  if (before !== undefined && before !== texts.page && texts.pages) {
    const signedIn = before === '';
    const main = document.querySelector('[data-testid=stMain]');
    if (signedIn) { link.focus(); }
    else if (main) { main.setAttribute('tabindex', '-1'); main.focus({preventScroll: true}); }
  }
})();
</script>"""


def page_semantics(lang: str, page: str | None) -> None:
    """``<html lang>``, the skip link (when there is a navigation to skip to: ``page`` is the
    signed-in user's page (its url path), ``None`` on the sign-in form) and the focus after a
    page change."""
    texts = {"lang": lang, "skip": t("app.skip_to_pages", lang), "pages": page is not None,
             "page": page or "", "required": t("form.required", lang)}
    script = _SCRIPT % {"texts": json.dumps(texts).replace("<", "\\u003c"),
                        "primary": palette.PRIMARY, "background": palette.BACKGROUND,
                        "caption": palette.MUTED_TEXT}
    st.html(script, unsafe_allow_javascript=True, width="content")


# Gives each chart an accessible name and description: the summary in words generated from its
# figures (the same text as the deck's alt text and the handout's), so a screen reader does
# not read the tick labels run together. The chart is found by its element key's class.
_CHART_NAMES = """<script>
(() => {
  // one observer for the page's life: charts are drawn after this script and redrawn later
  window.trackerChartNames = Object.assign(window.trackerChartNames || {}, %s);
  const apply = () => {
    for (const [key, label] of Object.entries(window.trackerChartNames)) {
      const box = document.querySelector('.st-key-' + CSS.escape(key));
      const chart = box && box.querySelector('[data-testid=stPlotlyChart]');
      if (chart && chart.getAttribute('aria-label') !== label) {
        chart.setAttribute('role', 'figure');
        chart.setAttribute('aria-label', label);
      }
      // the figure is read by its name (the summary): Plotly's tick labels, legend and
      // values in the drawing would follow it as twenty-odd loose words
      for (const svg of chart ? chart.querySelectorAll('svg.main-svg') : []) {
        if (svg.getAttribute('aria-hidden') !== 'true') { svg.setAttribute('aria-hidden', 'true'); }
      }
    }
  };
  apply();
  if (!window.trackerChartWatch) {
    let queued = false;
    window.trackerChartWatch = new MutationObserver(() => {
      if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; apply(); }); }
    });
    window.trackerChartWatch.observe(document.body, {childList: true, subtree: true});
  }
})();
</script>"""


def name_charts(summaries: dict[str, str]) -> None:
    """Each keyed chart named by its summary for assistive technology (plain text: the
    script writes it as an attribute, never as markup)."""
    if summaries:  # Streamlit writes a key into a class name with ":" and the like as "-"
        classes = {re.sub(r"[^A-Za-z0-9_-]", "-", key): text for key, text in summaries.items()}
        st.html(_CHART_NAMES % json.dumps(classes).replace("<", "\\u003c"),
                unsafe_allow_javascript=True, width="content")



# Moves the keyboard focus to a message Streamlit drew (an st.success, st.error, st.warning) in
# the container of a key, once: the message says what a press did, or asks what it will do,
# next to that button. Streamlit gives the box role=status (success, info) or role=alert
# (error, warning), but a live region drawn with its text is seldom read: the focus makes a
# screen reader read it, and aria-live says how urgently. The nonce makes the browser run the
# script again for the same message after a later press (st.html runs it when its text changes).
_FOCUS_MESSAGE = """<script>
(() => {
  const wanted = %s;
  let tries = 0;
  const focus = () => {
    const box = document.querySelector('.st-key-' + CSS.escape(wanted.box));
    const message = box && box.querySelector('[data-testid=stAlertContainer]');
    if (!message) { if (tries++ < 40) { setTimeout(focus, 50); } return; }
    const urgent = message.getAttribute('role') === 'alert';
    message.setAttribute('aria-live', urgent ? 'assertive' : 'polite');
    message.setAttribute('aria-atomic', 'true');
    message.setAttribute('tabindex', '-1');
    message.focus({preventScroll: true});
    message.scrollIntoView({block: 'nearest'});
  };
  focus();
})();
</script>"""

_FOCUS_COUNT = "a11y_focus_count"


def element_class(key: str) -> str:
    """The class Streamlit gives the element of ``key`` (``st-key-`` and this): ``:`` and the
    like written as ``-``."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", key)


def focus_message(box_key: str) -> None:
    """The message drawn in the container ``box_key`` takes the keyboard focus (and a screen
    reader reads it): call it inside that container, after the message."""
    count = st.session_state[_FOCUS_COUNT] = st.session_state.get(_FOCUS_COUNT, 0) + 1
    wanted = {"box": element_class(box_key), "nonce": count}
    st.html(_FOCUS_MESSAGE % json.dumps(wanted).replace("<", "\\u003c"),
            unsafe_allow_javascript=True, width="content")


# A live region outside Streamlit's React root (created once, so that a change of its text is
# announced): the slide now shown, by its number and heading, read from the page once drawn.
_ANNOUNCE = """<script>
(() => {
  const texts = %s;
  let live = document.getElementById('tracker-announcer');
  if (!live) {
    live = document.createElement('div');
    live.id = 'tracker-announcer';
    live.className = 'tracker-visually-hidden';
    live.setAttribute('role', 'status');
    live.setAttribute('aria-live', 'polite');
    document.body.append(live);
  }
  if (window.trackerAnnounced === texts.key) { return; }
  window.trackerAnnounced = texts.key;
  let tries = 0;
  const say = () => {
    const heading = document.querySelector('[data-testid=stMain] h1, [data-testid=stMain] h2');
    if (!heading && tries++ < 40) { setTimeout(say, 50); return; }
    const named = heading ? heading.innerText.trim() : '';
    live.textContent = texts.template.replace('\\u0000', named);
  };
  say();
})();
</script>"""


def announce_slide(lang: str, number: int, total: int, where: str = "") -> None:
    """Says "Diapositiva 5 de 14: <heading>" to assistive technology when the slide changes
    (4.1.3): call after the slide is drawn; ``where`` tells one deck from another."""
    template = t("present.announce", lang, number=number, total=total, heading="\u0000")
    texts = {"template": template, "key": f"{where}:{number}:{total}:{lang}"}
    st.html(_ANNOUNCE % json.dumps(texts).replace("<", "\\u003c"),
            unsafe_allow_javascript=True, width="content")


def required_label(key: str, lang: str, **values: object) -> str:
    """The label (catalog ``key``) of a field its service refuses empty, marked in words:
    "Estado (obligatorio)", "Status (required)" (WCAG 3.3.2); the page's script
    (``page_semantics``) finds the marker at the label's end and sets ``aria-required`` on
    the field (4.1.2).

    Streamlit's own ``required=True`` is not used: it blocks the form in the browser with
    "This field is required." and marks the label "(required)", in English in either
    language, where the service's refusal names the field in the reader's language (and a
    field required unless "Nothing to report" is ticked cannot be blocked in the browser)."""
    return f"{t(key, lang, **values)} {t('form.required', lang)}"


# Marks the field a refusal names as invalid while the refusal is shown: a hidden mark in the
# refusal's container tells the page's watcher (``page_semantics``) which field that is, and
# the watcher sets aria-invalid and aria-describedby (the message) on it, and takes them off
# once the refusal is gone. With ``focus``, the keyboard focus moves to the field once, where
# a screen reader reads its name, "invalid" and the refusal: the nonce runs the script again
# for the same refusal after a later press.
_INVALID = """<span hidden data-tracker-invalid-field="%(field)s"></span><script>
(() => {
  const wanted = %(wanted)s;
  let tries = 0;
  const apply = () => {
    const field = window.trackerFields && window.trackerFieldControl(wanted.field);
    if (!field && tries++ < 40) { setTimeout(apply, 50); return; }
    if (field) { window.trackerFields(); }%(focus)s
  };
  apply();
})();
</script>"""

# the field takes the focus; a field not shown (in a popover closed meanwhile) leaves it to
# the message, as ``focus_message`` gives it
_FOCUS_FIELD = """
    if (field && field.checkVisibility()) { field.focus(); return; }
    const spot = document.querySelector(`[data-tracker-invalid-field="${wanted.field}"]`);
    const box = spot && spot.closest('[data-testid=stVerticalBlock]');
    const message = box && box.querySelector('[data-testid=stAlertContainer]');
    if (message) {
      message.setAttribute('aria-live', 'assertive');
      message.setAttribute('tabindex', '-1');
      message.focus({preventScroll: true});
      message.scrollIntoView({block: 'nearest'});
    }"""


def invalid_field(field_key: str, *, focus: bool) -> None:
    """The field of widget key ``field_key`` is the one the refusal just drawn names: call it
    inside that refusal's container (``ui.flash.say``), on every run that draws the refusal;
    ``focus`` (when the refusal appears) moves the keyboard focus to the field."""
    wanted: dict[str, object] = {"field": element_class(field_key)}
    if focus:
        wanted["nonce"] = st.session_state[_FOCUS_COUNT] = (
            st.session_state.get(_FOCUS_COUNT, 0) + 1)
    st.html(_INVALID % {"field": element_class(field_key), "focus": _FOCUS_FIELD if focus else "",
                        "wanted": json.dumps(wanted).replace("<", "\\u003c")},
            unsafe_allow_javascript=True, width="content")
