/// The part of the form's script that renders the check JSON: the summary by category, eligible reliefs with
/// amounts and citations, undetermined rules with the deciding questions, near misses, and the rest. It uses the
/// helpers and state defined before it (`h`, `t`, `label`, `schema`, `lastProfile`) and `post`, defined after.
enum ReportScript {
    static let source = #"""
    // ---- the report ----
    const money = (x) => x == null ? "—" : Number(x).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    const range = (lo, hi) => lo === hi ? money(lo) : money(lo) + " – " + money(hi);
    const wan = (x) => (Number(x) / 10000).toFixed(2);
    // A link from the report to the input that answers it (a list row that does not exist yet: the list's add button).
    function jump(path, text) {
      return h("a", { class: "jump", href: "#", text, onclick: (e) => {
        e.preventDefault();
        const el = document.querySelector(`[data-path="${CSS.escape(path)}"]`) || document.querySelector(`[data-list="${CSS.escape(path.split(/[.[]/)[0])}"] + div button`);
        if (el) { el.scrollIntoView({ block: "center" }); el.focus(); }
      } });
    }
    function section(cls, title, n) { return h("h3", { class: "sec " + cls }, title, h("span", { class: "count", text: String(n) })); }
    function explainButton(rule) {
      const pre = h("pre", { class: "explain", hidden: true });
      const b = h("button", { type: "button", class: "link", text: t("explain"), onclick: async () => {
        if (!pre.hidden) { pre.hidden = true; return; }
        pre.textContent = t("checking"); pre.hidden = false;
        const r = await post("v1/explain/" + encodeURIComponent(rule.id), lastProfile);
        pre.textContent = r.ok ? r.body.text : t("failed") + (r.body.error ? r.body.error.message : r.status);
      } });
      return [b, pre];
    }
    function card(r, cls, amount) {
      return h("article", { class: "card " + cls },
        h("div", { class: "head" }, h("span", { class: "title", text: r.title }), amount),
        h("div", { class: "cite", text: `${r.document} ${r.clause} · ${r.id}` }),
        h("div", { class: "reason", text: r.reason }),
        r.failed_condition ? h("div", { class: "reason", text: t("failedCond") + r.failed_condition.text }) : null,
        r.kind === "liquidity" && r.amount != null ? h("div", { class: "reason", text: t("refunded") + money(r.amount) + " " + t("yuan") }) : null,
        (r.assumptions || []).map((a) => h("div", { class: "help", text: t("notes") + a })),
        h("details", {}, h("summary", { text: t("quote") }), h("blockquote", { text: r.quote }), explainButton(r)));
    }
    function renderReport(rep) {
      const out = $("#report");
      const by = (s) => rep.rules.filter((r) => r.status === s);
      const tot = rep.totals;
      const sum = h("div", { class: "summary" },
        h("h2", { text: t("result") }),
        h("div", { class: "ent", text: [rep.profile.name, rep.profile.id].filter(Boolean).join(" · ") + ` · ${rep.year} ${t("year")}` }),
        h("div", { class: "total" }, h("div", { class: "help", text: t("total") }),
          h("span", { class: "big", text: range(tot.saving_low, tot.saving_high) }), " " + t("yuan"),
          h("span", { class: "unit", text: `（${tot.saving_low === tot.saving_high ? wan(tot.saving_low) : wan(tot.saving_low) + " – " + wan(tot.saving_high)} ${t("wan")}）` })),
        tot.is_lower_bound ? h("div", { class: "help", text: t("lower")(tot.undetermined_rules) }) : null,
        Number(tot.liquidity_amount) > 0 ? h("div", { class: "help", text: t("liquidity") + money(tot.liquidity_amount) + " " + t("yuan") }) : null);
      if (tot.by_category.length) {
        const max = Math.max(...tot.by_category.map((c) => Number(c.high)), 1);
        const table = h("table", { class: "cats" }, h("caption", { class: "help", text: t("byCat") }));
        for (const c of tot.by_category) {
          const fg = h("div", { class: "bar-fg" });
          fg.style.width = (100 * Number(c.high) / max).toFixed(1) + "%";
          table.append(h("tr", {}, h("td", {}, c.label, h("div", { class: "bar-bg" }, fg)), h("td", { class: "num", text: range(c.low, c.high) })));
        }
        sum.append(table);
      }
      const parts = [sum];
      const eligible = by("eligible").filter((r) => r.kind !== "informational").sort((a, b) => Number(b.saving.high) - Number(a.saving.high));
      parts.push(section("eligible", t("eligible"), eligible.length));
      if (!eligible.length) parts.push(h("div", { class: "help", text: t("none") }));
      for (const r of eligible) parts.push(card(r, "eligible", h("span", { class: "amt", text: range(r.saving.low, r.saving.high) })));
      const info = by("eligible").filter((r) => r.kind === "informational");
      if (info.length) parts.push(h("details", { class: "more" }, h("summary", { text: `${t("informational")} (${info.length})` }), info.map((r) => card(r, "eligible", null))));
      const und = by("undetermined").sort((a, b) => Number(b.possible_high ?? Infinity) - Number(a.possible_high ?? Infinity));
      if (und.length) {
        parts.push(section("undetermined", t("undetermined"), und.length));
        // The first eight questions decide the most money (as in the CLI); the rest fold away.
        const question = (q) => h("li", {}, jump(q.field, q.label), " — " + q.why);
        if (rep.questions.length) parts.push(h("div", { class: "help", text: t("questions") }), h("ol", { class: "questions" }, rep.questions.slice(0, 8).map(question)));
        if (rep.questions.length > 8) parts.push(h("details", { class: "more-questions" }, h("summary", { text: t("more")(rep.questions.length - 8) }),
          h("ol", { class: "questions", start: "9" }, rep.questions.slice(8).map(question))));
        for (const r of und) {
          const c = card(r, "undetermined", r.possible_high != null ? h("span", { class: "amt maybe", text: t("upTo") + money(r.possible_high) }) : null);
          // The missing facts as links to their inputs say what the reason says in words.
          if (r.missing && r.missing.length) {
            const list = h("ul", { class: "missing" }, r.missing.map((m) => h("li", {}, t("needs"), jump(m.path, m.label), ` (${m.path})`)));
            const reason = c.querySelector(".reason");
            if (r.problems && r.problems.length) reason.after(list); else reason.replaceWith(list);
          }
          parts.push(c);
        }
      }
      if (rep.near_misses.length) {
        parts.push(section("near", t("near"), rep.near_misses.length));
        for (const m of rep.near_misses) {
          const r = rep.rules.find((r) => r.id === m.rule) || { title: m.rule, document: "", clause: "", id: m.rule };
          parts.push(h("article", { class: "card near" },
            h("div", { class: "head" }, h("span", { class: "title", text: r.title }), h("span", { class: "amt maybe", text: "+" + range(m.gain_low, m.gain_high) })),
            h("div", { class: "cite", text: `${r.document} ${r.clause} · ${r.id}` }),
            h("div", { class: "reason" }, jump(m.field, fieldLabel(m.field)), ": " + m.text)));
        }
      }
      const inel = by("ineligible");
      if (inel.length) {
        parts.push(section("ineligible", t("ineligible"), inel.length));
        parts.push(h("div", { class: "compact" }, inel.map((r) => h("div", { class: "item" },
          h("div", { class: "title", text: r.title }), h("div", { class: "cite", text: `${r.document} ${r.clause} · ${r.id}` }),
          h("div", { class: "reason", text: r.reason })))));
      }
      for (const [s, key] of [["superseded", "superseded"], ["not_in_force", "notInForce"]]) {
        const rs = by(s);
        if (!rs.length) continue;
        parts.push(h("details", { class: "more" }, h("summary", { text: `${t(key)} (${rs.length})` }),
          rs.map((r) => card(r, "", r.saving ? h("span", { class: "amt maybe", text: range(r.saving.low, r.saving.high) }) : null))));
      }
      out.replaceChildren(...parts);
      $("#foot").textContent = `jianfu ${rep.jianfu_version} · ${t("rulePack")} ${rep.rule_pack}`;
    }

    """#
}
