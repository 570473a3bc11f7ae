/*
 * The rich-text editor (django-prose-editor) as the booklet needs it, in the studio and in the admin.
 *
 * Loaded as a classic script before the editor's modules, it listens for each editor's
 * "prose-editor:ready" event and:
 * - turns Word's pasted list paragraphs (<p class="MsoListParagraph…"> with a hidden bullet) into real
 *   lists before ProseMirror parses the paste (the server's fabrique.richtext.normalise does the same on
 *   save, but the editor would otherwise have dropped Word's classes first);
 * - names the editable area after its field's label and help text, and gives the toolbar French names
 *   (translatable: gettext from Django's JavaScript catalogue);
 * - keeps each editor reachable from its text area (window.fabriqueEditeurs), so the studio can put a
 *   text back into an editor (« Prendre leur version »).
 */
(function () {
  "use strict";

  // Django's JavaScript catalogue (the studio's, or the admin's) is loaded first; French is the source.
  var gettext = window.gettext || function (text) {
    return text;
  };
  var editors = new WeakMap();
  var LABELS = {
    bold: gettext("Gras"),
    italic: gettext("Italique"),
    "unordered list": gettext("Liste à puces"),
    "ordered list": gettext("Liste numérotée"),
    blockquote: gettext("Citation (mise en exergue dans le livret)"),
    "insert link": gettext("Insérer un lien"),
    "remove link": gettext("Retirer le lien"),
    paragraph: gettext("Paragraphe"),
    "heading 3": gettext("Intertitre"),
    "heading 4": gettext("Sous-intertitre"),
    undo: gettext("Annuler"),
    redo: gettext("Rétablir"),
    "List properties": gettext("Propriétés de la liste"),
  };

  function isWordListItem(node) {
    if (!node || node.nodeType !== 1 || node.tagName !== "P") {
      return false;
    }
    var style = node.getAttribute("style") || "";
    return /MsoListParagraph/i.test(node.className || "") || /mso-list:\s*l\d/i.test(style);
  }

  function nextElement(node) {
    var next = node.nextSibling;
    // Word separates its paragraphs with white space and conditional comments.
    while (next && (next.nodeType === 8 || (next.nodeType === 3 && !next.textContent.trim()))) {
      next = next.nextSibling;
    }
    return next;
  }

  function listItem(doc, paragraph) {
    var style = paragraph.getAttribute("style") || "";
    var level = parseInt((/level(\d+)/i.exec(style) || [0, 1])[1], 10);
    var marker = "";
    var hidden = paragraph.querySelectorAll("span");
    for (var i = 0; i < hidden.length; i += 1) {
      if (/mso-list:\s*Ignore/i.test(hidden[i].getAttribute("style") || "")) {
        marker += hidden[i].textContent;
        hidden[i].remove();
      }
    }
    var item = doc.createElement("li");
    var body = doc.createElement("p");
    while (paragraph.firstChild) {
      body.appendChild(paragraph.firstChild);
    }
    if (!marker) {
      // LibreOffice and some Word versions write the bullet as text.
      var first = body.firstChild;
      if (first && first.nodeType === 3) {
        var match = /^\s*([·•o§▪\-–]|\d+[.)]|[a-z][.)])(\s|\u00a0)+/i.exec(first.textContent);
        if (match) {
          marker = match[1];
          first.textContent = first.textContent.slice(match[0].length);
        }
      }
    }
    item.appendChild(body);
    return { item: item, level: level, ordered: /^\s*(\d+|[a-z]|[ivxlc]+)[.)]/i.test(marker.trim()) };
  }

  /* Word's list paragraphs as nested <ul>/<ol>; any other HTML is returned as it came. */
  function wordListsToHtml(html) {
    if (!/MsoListParagraph|mso-list/i.test(html)) {
      return html;
    }
    var doc = new DOMParser().parseFromString(html, "text/html");
    var paragraphs = Array.prototype.slice.call(doc.body.querySelectorAll("p")).filter(isWordListItem);
    var done = new Set();
    paragraphs.forEach(function (start) {
      if (done.has(start)) {
        return;
      }
      var run = [start];
      var next = nextElement(start);
      while (isWordListItem(next)) {
        run.push(next);
        next = nextElement(next);
      }
      var stack = [];
      var lists = doc.createDocumentFragment();
      run.forEach(function (paragraph) {
        done.add(paragraph);
        var entry = listItem(doc, paragraph);
        while (stack.length && stack[stack.length - 1].level > entry.level) {
          stack.pop();
        }
        if (!stack.length || stack[stack.length - 1].level < entry.level) {
          var list = doc.createElement(entry.ordered ? "ol" : "ul");
          if (stack.length) {
            var parent = stack[stack.length - 1].list;
            (parent.lastElementChild || parent).appendChild(list);
          } else {
            lists.appendChild(list);
          }
          stack.push({ level: entry.level, list: list });
        }
        stack[stack.length - 1].list.appendChild(entry.item);
      });
      start.parentNode.insertBefore(lists, start);
      run.forEach(function (paragraph) {
        paragraph.remove();
      });
    });
    return doc.body.innerHTML;
  }

  function labelEditor(editor, textarea) {
    var label = textarea.id ? document.querySelector('label[for="' + textarea.id + '"]') : null;
    var attributes = Object.assign({}, (editor.options.editorProps || {}).attributes || {});
    if (label) {
      label.id = label.id || textarea.id + "-label";
      attributes["aria-labelledby"] = label.id;
    }
    var described = textarea.getAttribute("aria-describedby");
    if (described) {
      attributes["aria-describedby"] = described;
    }
    attributes["aria-multiline"] = "true";
    return attributes;
  }

  function frenchToolbar(textarea) {
    var container = textarea.closest(".prose-editor");
    if (!container) {
      return;
    }
    container.querySelectorAll("[title]").forEach(function (button) {
      var french = LABELS[button.getAttribute("title")];
      if (french) {
        button.setAttribute("title", french);
        button.setAttribute("aria-label", french);
      }
    });
  }

  function setUp(editor, textarea) {
    if (!editor || !textarea || editors.has(textarea)) {
      return;
    }
    editors.set(textarea, editor);
    var previous = editor.view.props.transformPastedHTML;
    editor.setOptions({
      editorProps: Object.assign({}, editor.options.editorProps, {
        attributes: labelEditor(editor, textarea),
        transformPastedHTML: function (html, view) {
          var converted = wordListsToHtml(html);
          return previous ? previous(converted, view) : converted;
        },
      }),
    });
    // The toolbar is built when Tiptap emits "create", just after this event: name its buttons then.
    setTimeout(function () {
      frenchToolbar(textarea);
    }, 0);
    textarea.dispatchEvent(new CustomEvent("fabrique:editeur-pret", { bubbles: true, detail: { editor: editor } }));
  }

  document.addEventListener("prose-editor:ready", function (event) {
    setUp(event.detail.editor, event.detail.textarea);
  });

  // An editor created before this script listened is still found through its DOM node.
  function adopt() {
    document.querySelectorAll(".prose-editor").forEach(function (container) {
      var dom = container.querySelector(".ProseMirror");
      var textarea = container.querySelector("textarea");
      if (dom && dom.editor && textarea) {
        setUp(dom.editor, textarea);
      }
    });
  }
  window.addEventListener("load", adopt);

  window.fabriqueEditeurs = {
    of: function (textarea) {
      return editors.get(textarea);
    },
    wordListsToHtml: wordListsToHtml,
  };
})();
