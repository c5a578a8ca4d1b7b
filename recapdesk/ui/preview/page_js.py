"""The preview's JavaScript: run with `runJavaScript` in the ApplicationWorld only.

Page scripts stay disabled; this code lives in Qt's isolated world, where it sees the DOM
but nothing of the page's own (absent) scripts. It keeps the article body as a list of
pieces (the DOM nodes of each top-level Markdown block, see core/incremental.py) so a
patch can replace exactly the blocks that changed, and it maps source lines to page
positions for scroll sync and clicks.
"""

from __future__ import annotations

import json
from typing import Any

LIBRARY = r"""
(function () {
  if (window.__recap) return;
  var R = {segs: [], tail: [], end: null, body: null};
  window.__recap = R;

  function frag(html) {
    var t = document.createElement('template');
    t.innerHTML = html;
    return Array.prototype.slice.call(t.content.childNodes);
  }
  function put(nodes, before) {
    for (var i = 0; i < nodes.length; i++) R.body.insertBefore(nodes[i], before);
  }
  function drop(nodes) {
    for (var i = 0; i < nodes.length; i++) {
      var n = nodes[i];
      if (n.parentNode) n.parentNode.removeChild(n);
    }
  }
  function firstEl(nodes) {
    for (var i = 0; i < nodes.length; i++) if (nodes[i].nodeType === 1) return nodes[i];
    return null;
  }
  function num(el, name) { return +el.getAttribute(name); }
  function move(el, d) {
    el.setAttribute('data-line', num(el, 'data-line') + d);
    if (el.hasAttribute('data-line-end'))
      el.setAttribute('data-line-end', num(el, 'data-line-end') + d);
  }
  function shiftNodes(nodes, d) {
    for (var i = 0; i < nodes.length; i++) {
      var n = nodes[i];
      if (n.nodeType !== 1) continue;
      if (n.hasAttribute('data-line')) move(n, d);
      var inner = n.querySelectorAll('[data-line]');
      for (var k = 0; k < inner.length; k++) move(inner[k], d);
    }
  }
  function nodeAfter(i) {
    for (; i < R.segs.length; i++) if (R.segs[i].length) return R.segs[i][0];
    return R.tail.length ? R.tail[0] : R.end;
  }

  R.init = function (pieces, tail) {
    var body = document.querySelector('.recap-body');
    if (!body) return false;
    R.body = body;
    body.textContent = '';
    body.appendChild(document.createTextNode('\n'));
    R.end = document.createTextNode('\n');
    body.appendChild(R.end);
    R.segs = pieces.map(function (h) { var ns = frag(h); put(ns, R.end); return ns; });
    R.tail = frag(tail);
    put(R.tail, R.end);
    var root = document.documentElement.style;
    root.overflowAnchor = 'none';  // the patch keeps the view in place itself
    root.scrollBehavior = 'auto';  // programmatic scrolls land at once
    return true;
  };

  // --- keeping the view in place -----------------------------------------------
  function blocks() {  // [element, first element with data-line] per piece, in order
    var out = [];
    for (var i = 0; i < R.segs.length; i++) {
      var e = firstEl(R.segs[i]);
      if (!e) continue;
      var l = e.hasAttribute('data-line') ? e : e.querySelector('[data-line]');
      out.push([e, l]);
    }
    return out;
  }
  function firstVisible(list) {  // index of the first block whose bottom is below the top
    var lo = 0, hi = list.length;
    while (lo < hi) {
      var m = (lo + hi) >> 1;
      if (list[m][0].getBoundingClientRect().bottom > 0) hi = m; else lo = m + 1;
    }
    return lo;
  }
  R.anchor = function () {
    var list = blocks(), i = firstVisible(list);
    var el = i < list.length ? list[i][0] : null;
    return {el: el, top: el ? el.getBoundingClientRect().top : 0, y: window.scrollY};
  };
  R.restore = function (a) {
    if (a.el && a.el.isConnected) {
      var dy = a.el.getBoundingClientRect().top - a.top;
      if (Math.abs(dy) >= 0.5) window.scrollTo(0, window.scrollY + dy);
    } else if (window.scrollY !== a.y) {
      window.scrollTo(0, a.y);
    }
  };

  R.patchMs = [];  // how long the last patches took here (for the benchmark)
  R.patch = function (ops) {
    if (!R.body || !R.body.isConnected) return null;
    var started = performance.now();
    var a = R.anchor();
    for (var k = 0; k < ops.length; k++) {
      var op = ops[k];
      if (op[0] === 'splice') {
        var before = nodeAfter(op[1] + op[2]);
        for (var j = op[1]; j < op[1] + op[2]; j++) drop(R.segs[j]);
        var fresh = op[3].map(function (h) { var ns = frag(h); put(ns, before); return ns; });
        R.segs.splice.apply(R.segs, [op[1], op[2]].concat(fresh));
      } else if (op[0] === 'shift') {
        for (var j2 = op[1]; j2 < op[2]; j2++) shiftNodes(R.segs[j2], op[3]);
      } else if (op[0] === 'tail') {
        drop(R.tail);
        R.tail = frag(op[1]);
        put(R.tail, R.end);
      }
    }
    R.restore(a);
    if (R.patchMs.length >= 1000) R.patchMs.shift();
    R.patchMs.push(performance.now() - started);
    return window.scrollY;
  };

  // The page around the body changed (front matter): replace everything but the body
  // and its ancestors, level by level, so the article is not laid out again.
  R.shell = function (html) {
    if (!R.body || !R.body.isConnected) return false;
    var y = window.scrollY;
    var doc = new DOMParser().parseFromString(html, 'text/html');
    var slot = doc.querySelector('.recap-body');
    if (!slot) return false;
    var live = [], fresh = [];
    for (var n = R.body; n && n !== document.documentElement; n = n.parentNode) live.push(n);
    for (var m = slot; m && m !== doc.documentElement; m = m.parentNode) fresh.push(m);
    if (live.length !== fresh.length) return false;
    for (var lv = live.length - 1; lv >= 1; lv--) {
      var lp = live[lv], fp = fresh[lv], lc = live[lv - 1], fc = fresh[lv - 1];
      if (lp.tagName !== fp.tagName) return false;
      var k, attrs = fp.attributes;
      for (k = lp.attributes.length - 1; k >= 0; k--) {
        var name = lp.attributes[k].name;
        if (!fp.hasAttribute(name)) lp.removeAttribute(name);
      }
      for (k = 0; k < attrs.length; k++) lp.setAttribute(attrs[k].name, attrs[k].value);
      var c = lp.firstChild;
      while (c) { var next = c.nextSibling; if (c !== lc) lp.removeChild(c); c = next; }
      var after = false;
      for (var f = fp.firstChild; f; f = f.nextSibling) {
        if (f === fc) { after = true; continue; }
        var copy = document.importNode(f, true);
        if (after) lp.appendChild(copy); else lp.insertBefore(copy, lc);
      }
    }
    var own = slot.attributes;  // the article body element's own attributes
    for (var a = 0; a < own.length; a++) R.body.setAttribute(own[a].name, own[a].value);
    var keep = document.getElementById('recapdesk-preview-style');
    var oldHead = document.head.children, newHead = doc.head.children;
    if (oldHead.length - (keep ? 1 : 0) === newHead.length) {
      for (var h = 0; h < newHead.length; h++)
        if (oldHead[h] !== keep && oldHead[h].outerHTML !== newHead[h].outerHTML)
          oldHead[h].replaceWith(document.importNode(newHead[h], true));
    } else {
      while (document.head.firstChild) document.head.removeChild(document.head.firstChild);
      for (var h2 = 0; h2 < newHead.length; h2++)
        document.head.appendChild(document.importNode(newHead[h2], true));
      if (keep) document.head.appendChild(keep);
    }
    window.scrollTo(0, y);
    return true;
  };

  // --- source lines <-> page positions --------------------------------------------
  function span(el) {
    var s = num(el, 'data-line');
    var e = el.hasAttribute('data-line-end') ? num(el, 'data-line-end') : s + 1;
    return [s, Math.max(e, s + 1)];
  }
  function deepest(block, test) {  // the last element with data-line in `block` passing test
    var found = null;
    if (block.hasAttribute('data-line') && test(block)) found = block;
    var inner = block.querySelectorAll('[data-line]');
    for (var i = 0; i < inner.length; i++) if (test(inner[i])) found = inner[i];
    return found;
  }

  R.lineAt = function () {  // the source line at the top of the view (fractional)
    var list = blocks().filter(function (b) { return b[1]; });
    if (!list.length) return 0;
    var i = firstVisible(list);
    if (i >= list.length) return span(list[list.length - 1][1])[1];
    var el = list[i][0], r = el.getBoundingClientRect();
    if (r.top > 0) {  // the top of the view is above this block
      var s0 = span(list[i][1])[0];
      if (i === 0) {
        var y = window.scrollY;
        return y + r.top > 0 ? s0 * y / (y + r.top) : 0;
      }
      var prevEnd = span(list[i - 1][1])[1];
      var gapTop = list[i - 1][0].getBoundingClientRect().bottom;  // <= 0
      var frac = r.top > gapTop ? (0 - gapTop) / (r.top - gapTop) : 1;
      return prevEnd + Math.max(0, s0 - prevEnd) * Math.min(1, Math.max(0, frac));
    }
    var best = deepest(el, function (x) {
      var q = x.getBoundingClientRect();
      return q.top <= 0 && q.bottom > 0;
    }) || list[i][1];
    var q = best.getBoundingClientRect(), se = span(best);
    var frac = q.height > 0 ? Math.min(1, Math.max(0, -q.top / q.height)) : 0;
    return se[0] + (se[1] - se[0]) * frac;
  };

  R.topLine = function () {  // "[lineAt(), the scroll position this script sees]"
    return JSON.stringify([R.lineAt(), window.scrollY]);  // (arrays do not cross to Qt)
  };

  function yOfLine(line) {  // the page y (document coordinates) where source `line` is
    var list = blocks().filter(function (b) { return b[1]; });
    if (!list.length) return 0;
    var lo = 0, hi = list.length;
    while (lo < hi) {
      var m = (lo + hi) >> 1;
      if (span(list[m][1])[0] <= line) lo = m + 1; else hi = m;
    }
    var sy = window.scrollY;
    if (lo === 0) {
      var s0 = span(list[0][1])[0], top0 = list[0][0].getBoundingClientRect().top + sy;
      return s0 > 0 ? top0 * Math.max(0, line) / s0 : 0;
    }
    var blk = list[lo - 1], se = span(blk[1]);
    var best = deepest(blk[0], function (x) {
      var p = span(x);
      return p[0] <= line && line < p[1];
    });
    if (!best) {  // in the gap after the block: between its bottom and the next block
      var bottom = blk[0].getBoundingClientRect().bottom + sy;
      if (lo >= list.length) return bottom;
      var ns = span(list[lo][1])[0], ntop = list[lo][0].getBoundingClientRect().top + sy;
      return ns > se[1] ? bottom + (ntop - bottom) * (line - se[1]) / (ns - se[1]) : bottom;
    }
    var q = best.getBoundingClientRect(), p = span(best);
    return q.top + sy + q.height * (line - p[0]) / (p[1] - p[0]);
  }

  // Scroll so that source `top` is at the top of the view (null: leave the scroll),
  // then bring `reveal` into view (centred) if it is not in the upper 80% of the view.
  R.scroll = function (top, reveal) {
    if (!R.body) return null;
    if (top !== null) window.scrollTo(0, Math.max(0, yOfLine(top)));
    if (reveal !== null) {
      var y = yOfLine(reveal) - window.scrollY;
      if (y < 0 || y > window.innerHeight * 0.8)
        window.scrollTo(0, Math.max(0, window.scrollY + y - window.innerHeight / 2));
    }
    return window.scrollY;
  };

  // The source line a click at (x, y) (CSS pixels in the view) lands on; -1 for none
  // (outside the article, or on a link: that is a navigation).
  R.hit = function (x, y) {
    var el = document.elementFromPoint(x, y);
    if (!el || !R.body || !R.body.contains(el) || el.closest('a[href]')) return -1;
    var d = el.closest('[data-line]');
    if (!d || !R.body.contains(d)) return -1;
    var se = span(d), r = d.getBoundingClientRect();
    var line = se[0] + Math.floor((se[1] - se[0]) * (y - r.top) / Math.max(1, r.height));
    return Math.max(se[0], Math.min(se[1] - 1, line));
  };
})();
"""


NOT_READY = "__recap_missing__"


def call(function: str, *args: Any, define: bool = False) -> str:
    """A script that calls `__recap.function(*args)`; with `define`, it first defines the
    library (a page needs that once). Without the library the script gives NOT_READY."""
    params = ", ".join(json.dumps(a) for a in args)
    script = f"(window.__recap ? window.__recap.{function}({params}) : {json.dumps(NOT_READY)})"
    return f"{LIBRARY}\n{script};" if define else script
