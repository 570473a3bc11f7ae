/*
 * The booklet studio in the browser: autosave, conflicts, live preview, versions' progress.
 *
 * Every block is a <form data-studio-bloc> that also works without JavaScript (a plain post). Here:
 * - a change is saved about one second after the writer stops typing (fetch POST, Accept: JSON) with the
 *   block's revision; the status says « Enregistré à 10 h 42 »;
 * - a save refused as stale (409) shows « Leur version » and « Votre version » side by side, and lets
 *   the writer keep theirs (saved again on the current revision) or take the other one;
 * - nothing typed is lost: on an error, a conflict or a network failure the text stays in the form, the
 *   status says so, and a failed save is tried again, except when the block is gone or the session
 *   changed (404, 403): trying again could not succeed, the writer is told to copy their text and reload;
 * - the preview beside the editor is reloaded after each save, at the part being written;
 * - the versions panel follows a PDF being rendered (en attente, en cours, prêt, échec) by polling.
 *
 * The sentences come from Django's JavaScript catalogue (ateliers:studio_jsi18n, loaded first); French is
 * the source text, so they read as written here if the catalogue is missing.
 */
(function () {
  "use strict";

  var gettext = window.gettext || function (text) {
    return text;
  };
  var ngettext = window.ngettext || function (singular, plural, count) {
    return count > 1 ? plural : singular;
  };
  var interpolate = window.interpolate || function (format, values, named) {
    if (named) {
      return format.replace(/%\(\w+\)s/g, function (match) {
        return String(values[match.slice(2, -2)]);
      });
    }
    return format.replace(/%s/g, function () {
      return String(values.shift());
    });
  };

  var DELAY = 1000;
  var RETRY = 10000;
  var POLL = 2000;
  var blocs = [];

  function csrfToken(root) {
    var input = (root || document).querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  /* Sanitised HTML from the server (nh3 on every path), parsed without running anything. */
  function fragment(html) {
    var doc = new DOMParser().parseFromString("<div>" + (html || "") + "</div>", "text/html");
    var container = document.createElement("div");
    container.className = "studio-texte";
    Array.prototype.slice.call(doc.body.firstChild.childNodes).forEach(function (node) {
      container.appendChild(document.importNode(node, true));
    });
    return container;
  }

  // --- The live preview -------------------------------------------------------------------------

  // The iframe is scrolled from here, not with a #fragment: a fragment would scroll this page too.
  var preview = document.querySelector("[data-studio-apercu]");
  var previewTimer = null;
  var previewScroll = null;

  function scrollPreview() {
    var view = preview.contentWindow;
    var doc = preview.contentDocument;
    if (!view || !doc) {
      return;
    }
    if (previewScroll !== null) {
      view.scrollTo(0, previewScroll);
      return;
    }
    var part = preview.getAttribute("data-anchor") && doc.getElementById(preview.getAttribute("data-anchor"));
    if (part) {
      view.scrollTo(0, part.getBoundingClientRect().top + view.scrollY);
    }
  }

  function reloadPreview() {
    if (!preview) {
      return;
    }
    clearTimeout(previewTimer);
    previewTimer = setTimeout(function () {
      previewScroll = preview.contentWindow ? preview.contentWindow.scrollY : null;
      preview.src = preview.getAttribute("data-src") + "?t=" + Date.now();
    }, 300);
  }

  if (preview) {
    preview.addEventListener("load", scrollPreview);
    scrollPreview();
  }

  // --- One block --------------------------------------------------------------------------------

  function Bloc(form) {
    this.form = form;
    this.status = form.querySelector("[data-studio-statut]");
    this.errors = form.querySelector("[data-studio-erreurs]");
    this.revision = form.querySelector("input[name=revision]");
    this.section = form.closest("section") || form.parentNode;
    this.timer = null;
    this.dirty = false;
    this.saving = false;
    this.conflict = null;
    this.applying = false;
    this.stopped = false; // the block is gone or the session changed: no save can succeed any more
    var self = this;
    form.addEventListener("input", function (event) {
      self.changed(event, false);
    });
    form.addEventListener("change", function (event) {
      self.changed(event, true);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.dirty = true;
      self.save();
    });
  }

  Bloc.prototype.say = function (text, kind) {
    if (!this.status) {
      return;
    }
    this.status.textContent = text;
    this.status.classList.toggle("studio-statut--erreur", kind === "error");
    this.status.classList.toggle("studio-statut--ok", kind === "ok");
  };

  Bloc.prototype.changed = function (event, soon) {
    if (this.applying || (event.target && event.target.name === "retour")) {
      return;
    }
    this.dirty = true;
    if (this.conflict || this.stopped) {
      return; // the writer chooses first (or copies their text); it stays in the form meanwhile
    }
    clearTimeout(this.timer);
    var self = this;
    this.timer = setTimeout(function () {
      self.save();
    }, soon ? 0 : DELAY);
  };

  Bloc.prototype.retryLater = function () {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () {
      if (self.dirty && !self.conflict) {
        self.save();
      }
    }, RETRY);
  };

  Bloc.prototype.save = function () {
    var self = this;
    if (this.saving) {
      this.dirty = true;
      return;
    }
    if (!this.dirty || this.conflict || this.stopped) {
      return;
    }
    clearTimeout(this.timer);
    this.dirty = false;
    this.saving = true;
    this.form.classList.add("studio-bloc__form--enregistrement");
    var body = new FormData(this.form);
    fetch(this.form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken(this.form) },
    })
      .then(function (response) {
        if (response.type === "opaqueredirect" || response.status === 0) {
          return { kind: "session" };
        }
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (data) {
            return { kind: "answer", status: response.status, data: data };
          });
      })
      .catch(function () {
        return { kind: "network" };
      })
      .then(function (result) {
        self.saving = false;
        self.form.classList.remove("studio-bloc__form--enregistrement");
        self.answer(result);
        if (self.dirty && !self.conflict && result.kind === "answer" && result.status === 200) {
          self.save(); // typed while the previous save travelled
        }
      });
  };

  Bloc.prototype.answer = function (result) {
    if (result.kind === "network") {
      this.dirty = true;
      this.say(
        gettext(
          "Non enregistré : pas de connexion au serveur. Votre texte est gardé dans la page ; " +
            "nouvel essai dans 10 secondes."
        ),
        "error"
      );
      this.retryLater();
      return;
    }
    if (result.kind === "session") {
      this.dirty = true;
      this.say(
        gettext(
          "Non enregistré : votre session a expiré. Reconnectez-vous dans un autre onglet, puis revenez " +
            "ici : votre texte est gardé dans la page."
        ),
        "error"
      );
      this.retryLater();
      return;
    }
    var data = result.data || {};
    if (result.status === 200) {
      this.revision.value = data.revision;
      this.clearErrors();
      this.removeConflictPanels();
      this.afterPhoto(data);
      this.say(data.message || gettext("Enregistré"), "ok");
      reloadPreview();
      return;
    }
    this.dirty = true;
    if (result.status === 409 && data.conflict) {
      this.showConflict(data);
      return;
    }
    if (result.status === 400 && data.errors) {
      this.showErrors(data.errors);
      this.say(gettext("Non enregistré : corrigez ce qui est signalé. Votre texte est gardé dans la page."), "error");
      return;
    }
    if (result.status === 404 || result.status === 403) {
      // Deleted by someone, or this page belongs to a session that is no longer this browser's: every
      // new try would get the same answer. The text stays in the form for the writer to copy.
      clearTimeout(this.timer);
      this.stopped = true;
      this.say(
        gettext("Ce bloc a été supprimé ou votre session a changé : copiez votre texte et rechargez la page."),
        "error"
      );
      return;
    }
    this.say(
      interpolate(
        gettext("Non enregistré (erreur %s) : votre texte est gardé dans la page ; nouvel essai dans 10 secondes."),
        [result.status]
      ),
      "error"
    );
    this.retryLater();
  };

  Bloc.prototype.afterPhoto = function (data) {
    if (!("photo_url" in data)) {
      return;
    }
    var file = this.form.querySelector("input[type=file]");
    if (file) {
      file.value = "";
    }
    var remove = this.form.querySelector("input[name=retirer_photo]");
    if (remove) {
      remove.checked = false;
    }
    var holder = this.form.querySelector("[data-studio-photo]");
    if (holder) {
      holder.hidden = !data.photo_url;
      holder.querySelector("img").src = data.photo_url || "";
    }
  };

  // --- Validation errors, next to their fields -------------------------------------------------

  Bloc.prototype.label = function (name) {
    var field = this.form.elements[name];
    var id = field && (field.id || (field[0] && field[0].id));
    var label = id ? this.form.querySelector('label[for="' + id + '"]') : null;
    return label && label.firstChild ? label.firstChild.textContent.trim() : "";
  };

  Bloc.prototype.clearErrors = function () {
    if (this.errors) {
      this.errors.textContent = "";
    }
    this.form.querySelectorAll("[aria-invalid]").forEach(function (field) {
      field.removeAttribute("aria-invalid");
    });
  };

  Bloc.prototype.showErrors = function (errors) {
    var self = this;
    this.clearErrors();
    var list = element("ul", { class: "fr-error-text studio-erreurs" });
    Object.keys(errors).forEach(function (name) {
      var field = self.form.elements[name];
      if (field && field.setAttribute) {
        field.setAttribute("aria-invalid", "true");
      }
      var label = name === "__all__" ? "" : self.label(name);
      errors[name].forEach(function (message) {
        var text = label ? interpolate(gettext("%(label)s : %(message)s"), { label: label, message: message }, true) : message;
        list.appendChild(element("li", {}, text));
      });
    });
    if (this.errors) {
      this.errors.appendChild(list);
    }
  };

  // --- Conflicts: both texts side by side ------------------------------------------------------

  Bloc.prototype.removeConflictPanels = function () {
    this.section.querySelectorAll(":scope > [data-studio-conflit]").forEach(function (panel) {
      panel.remove();
    });
    this.conflict = null;
  };

  Bloc.prototype.showConflict = function (data) {
    var self = this;
    this.removeConflictPanels();
    this.conflict = data;
    var panel = element("div", { class: "fr-alert fr-alert--warning fr-mb-2w studio-conflit", "data-studio-conflit": "" });
    panel.appendChild(
      element("p", { class: "fr-alert__title" }, gettext("Quelqu'un a enregistré ce bloc pendant que vous écriviez"))
    );
    panel.appendChild(
      element(
        "p",
        {},
        gettext(
          "Votre texte n'est pas enregistré, mais rien n'est perdu : il est toujours dans le formulaire " +
            "ci-dessous. Comparez les deux versions, puis gardez la vôtre ou reprenez la leur."
        )
      )
    );
    var versions = element("div", { class: "studio-conflit__versions" });
    [
      [gettext("Leur version"), data.theirs],
      [gettext("Votre version"), data.mine],
    ].forEach(function (pair) {
      var column = element("div", { class: "studio-conflit__version" });
      column.appendChild(element("p", { class: "studio-conflit__titre" }, pair[0]));
      Object.keys(data.theirs).forEach(function (name) {
        column.appendChild(element("p", { class: "fr-text--sm fr-mb-0" }, (data.labels || {})[name] || name));
        column.appendChild(fragment(pair[1][name]));
      });
      versions.appendChild(column);
    });
    panel.appendChild(versions);
    var buttons = element("ul", { class: "fr-btns-group fr-btns-group--inline-sm" });
    var keep = element("button", { type: "button", class: "fr-btn fr-btn--sm" }, gettext("Garder ma version"));
    var take = element(
      "button",
      { type: "button", class: "fr-btn fr-btn--sm fr-btn--secondary" },
      gettext("Prendre leur version")
    );
    keep.addEventListener("click", function () {
      self.keepMine();
    });
    take.addEventListener("click", function () {
      self.takeTheirs();
    });
    [keep, take].forEach(function (button) {
      var item = element("li");
      item.appendChild(button);
      buttons.appendChild(item);
    });
    panel.appendChild(buttons);
    this.form.parentNode.insertBefore(panel, this.form);
    this.say(interpolate(gettext("Conflit : %s"), [data.message]), "error");
  };

  Bloc.prototype.keepMine = function () {
    var revision = this.conflict.revision;
    this.removeConflictPanels();
    this.revision.value = revision;
    this.dirty = true;
    this.save();
  };

  Bloc.prototype.takeTheirs = function () {
    var data = this.conflict;
    var form = this.form;
    this.applying = true;
    Object.keys(data.values || {}).forEach(function (name) {
      var field = form.elements[name];
      var value = data.values[name];
      if (!field) {
        return;
      }
      if (typeof RadioNodeList !== "undefined" && field instanceof RadioNodeList) {
        Array.prototype.forEach.call(field, function (radio) {
          radio.checked = radio.value === String(value);
        });
        return;
      }
      if (field.type === "checkbox") {
        field.checked = Boolean(value);
        return;
      }
      var text = value === null || value === undefined ? "" : String(value);
      var editor = field.tagName === "TEXTAREA" && window.fabriqueEditeurs && window.fabriqueEditeurs.of(field);
      if (editor) {
        editor.commands.setContent(text);
      }
      field.value = text;
    });
    this.applying = false;
    this.removeConflictPanels();
    this.revision.value = data.revision;
    this.dirty = false;
    this.clearErrors();
    this.say(gettext("Leur version est reprise ; vous pouvez continuer à écrire."), "ok");
  };

  Bloc.prototype.pending = function () {
    return this.dirty || this.saving || Boolean(this.conflict);
  };

  document.querySelectorAll("form[data-studio-bloc]").forEach(function (form) {
    blocs.push(new Bloc(form));
  });

  // For tests and measurements: whether something typed is not saved yet.
  window.fabriqueStudio = {
    pending: function () {
      return blocs.some(function (bloc) {
        return bloc.pending();
      });
    },
  };

  window.addEventListener("beforeunload", function (event) {
    if (blocs.some(function (bloc) {
      return bloc.pending();
    })) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // --- Versions of the PDF ---------------------------------------------------------------------

  var panel = document.querySelector("[data-studio-versions]");
  if (!panel) {
    return;
  }
  var rows = panel.querySelector("[data-studio-versions-lignes]");
  var announce = panel.querySelector("[data-studio-versions-annonce]");
  var generate = panel.querySelector("form[data-studio-generer]");
  var failure = panel.querySelector("[data-studio-versions-erreur]");
  var known = {};
  var pollTimer = null;
  var RUNNING = { en_attente: true, en_cours: true };
  var BADGES = { pret: "fr-badge--success", echec: "fr-badge--error" };

  rows.querySelectorAll("tr[data-version]").forEach(function (row) {
    known[row.getAttribute("data-version")] = row.getAttribute("data-status");
  });

  function sentence(version) {
    var text = interpolate(
      gettext("Version %(version)s : %(status)s"),
      { version: version.version, status: version.status_label.toLowerCase() },
      true
    );
    if (version.status === "pret" && version.page_count) {
      text += interpolate(ngettext(", %s page", ", %s pages", version.page_count), [version.page_count]);
    }
    if (version.status === "echec" && version.failure_reason) {
      text += " — " + version.failure_reason;
    }
    return text + ".";
  }

  function row(version) {
    var tr = element("tr", { "data-version": version.version, "data-status": version.status });
    var name = element("td", {}, "v" + version.version);
    if (version.published) {
      name.appendChild(document.createTextNode(" "));
      name.appendChild(
        element("span", { class: "fr-badge fr-badge--sm fr-badge--info fr-badge--no-icon" }, gettext("publiée"))
      );
    }
    tr.appendChild(name);
    var state = element("td");
    state.appendChild(
      element("span", { class: "fr-badge fr-badge--sm " + (BADGES[version.status] || "fr-badge--new") }, version.status_label)
    );
    if (version.failure_reason) {
      state.appendChild(element("p", { class: "fr-text--sm fr-mb-0" }, version.failure_reason));
    }
    tr.appendChild(state);
    tr.appendChild(element("td", {}, version.page_count === null ? "—" : String(version.page_count)));
    var actions = element("td");
    if (version.url) {
      var link = element("a", { class: "fr-link fr-link--sm", href: version.url }, gettext("Télécharger"));
      link.appendChild(element("span", { class: "fr-sr-only" }, " v" + version.version));
      actions.appendChild(link);
    }
    if (version.publish_url) {
      var form = element("form", { method: "post", action: version.publish_url, class: "studio-inline" });
      form.appendChild(element("input", { type: "hidden", name: "csrfmiddlewaretoken", value: csrfToken(panel) }));
      form.appendChild(
        element(
          "button",
          { type: "submit", class: "fr-btn fr-btn--sm fr-btn--secondary" },
          interpolate(gettext("Publier la version %s"), [version.version])
        )
      );
      actions.appendChild(form);
    }
    if (!version.url && !version.publish_url) {
      actions.textContent = "—";
    }
    tr.appendChild(actions);
    return tr;
  }

  function show(data) {
    var changes = [];
    rows.textContent = "";
    data.versions.forEach(function (version) {
      rows.appendChild(row(version));
      if (known[version.version] !== version.status) {
        changes.push(sentence(version));
      }
      known[version.version] = version.status;
    });
    if (!data.versions.length) {
      var empty = element("tr");
      empty.appendChild(element("td", { colspan: "4" }, rows.getAttribute("data-vide")));
      rows.appendChild(empty);
    }
    if (changes.length) {
      announce.textContent = changes.join(" ");
    }
    if (data.versions.some(function (version) {
      return RUNNING[version.status];
    })) {
      schedule(POLL);
    }
  }

  function poll() {
    fetch(panel.getAttribute("data-url"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(show)
      .catch(function () {
        schedule(RETRY);
      });
  }

  function schedule(delay) {
    clearTimeout(pollTimer);
    pollTimer = setTimeout(poll, delay);
  }

  /* An error about « Générer le PDF », shown under the buttons (and read out: role="alert"). */
  function fail(text) {
    failure.textContent = text;
    failure.classList.toggle("fr-error-text", Boolean(text));
  }

  if (generate) {
    generate.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = generate.querySelector("button");
      button.disabled = true;
      fail("");
      fetch(generate.action, {
        method: "POST",
        body: new FormData(generate),
        credentials: "same-origin",
        redirect: "manual",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken(generate) },
      })
        .then(
          function (response) {
            // An error page (a 500, a 403 for a changed session) answers HTML: report its status.
            return response
              .json()
              .catch(function () {
                return {};
              })
              .then(function (data) {
                if (response.ok && data.message) {
                  announce.textContent = data.message;
                  poll();
                  return;
                }
                if (response.type === "opaqueredirect") {
                  fail(gettext("La demande n'a pas abouti : votre session a expiré. Reconnectez-vous, puis réessayez."));
                  return;
                }
                fail(
                  data.error ||
                    interpolate(gettext("La demande n'a pas abouti (erreur %s) : réessayez."), [response.status])
                );
              });
          },
          function () {
            fail(gettext("La demande n'a pas abouti (pas de connexion) : réessayez."));
          }
        )
        .then(function () {
          button.disabled = false;
        });
    });
  }

  if (panel.hasAttribute("data-polling")) {
    schedule(POLL);
  }
})();
