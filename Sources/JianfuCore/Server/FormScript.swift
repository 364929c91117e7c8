/// The form's script: builds the fields from `/v1/schema`, reads and writes profile files, posts to
/// `/v1/check` and `/v1/explain/{rule}`, and renders the report. Numbers travel as the text typed, never
/// through a JavaScript double, so amounts stay exact.
enum FormScript {
    static let source = #"""
    "use strict";
    const UI = {
      zh: { title: "减负政策体检", intro: "填写企业档案，逐条核对衢州市降本减负政策（衢政办发〔2017〕51号、52号）：可享受的减负金额、依据与原文，以及尚需补充的信息。所有字段均可不填；未填的事实不按零计算。",
        load: "载入档案", save: "保存档案", clear: "清空", check: "开始体检", checking: "正在计算…", add: "添加一行", remove: "删除",
        yes: "是", no: "否", unset: "（未填）", dflt: "缺省：", loaded: "已载入 ", badFile: "无法读取档案文件：", unknownKeys: "档案中有表单未识别的字段，已忽略：",
        errors: "档案有误，请修改标红的字段：", failed: "请求失败：", result: "体检结果", year: "年度", total: "预计年度减负合计",
        wan: "万元", yuan: "元", lower: (n) => `另有 ${n} 条规则待确定，合计为下限。`, liquidity: "退还/缓缴资金（流动性，不计入减负）：",
        byCat: "按类别", eligible: "可享受的政策", informational: "另可享受（原文未规定金额，不作估算）", undetermined: "待确定（请补充信息）",
        questions: "请先补充（按可决定的金额排序）", near: "差一点就符合", ineligible: "不符合条件", superseded: "同组就高不重复（未计入）",
        notInForce: "不在有效期内", upTo: "至多 ", needs: "需补充：", quote: "原文", explain: "逐步解读", cites: "依据：", notes: "说明：",
        failedCond: "未满足：", refunded: "退还/缓缴金额 ", rulePack: "规则包", none: "无", fileName: "企业档案" },
      en: { title: "cost-reduction check", intro: "Fill in an enterprise profile to check it clause by clause against Quzhou's cost-reduction policies (衢政办发〔2017〕51号 and 52号): the reliefs, their amounts, citations and quotes, and the facts still needed. Every field is optional; a fact left empty is not taken as zero.",
        load: "Load profile", save: "Save profile", clear: "Clear", check: "Check", checking: "Computing…", add: "Add a row", remove: "Remove",
        yes: "yes", no: "no", unset: "(not given)", dflt: "default: ", loaded: "Loaded ", badFile: "Cannot read the profile file: ", unknownKeys: "The file has fields this form does not know; ignored: ",
        errors: "The profile has problems; fix the fields marked in red:", failed: "The request failed: ", result: "Result", year: "year", total: "Estimated annual saving",
        wan: "万元", yuan: "yuan", lower: (n) => `${n} rule(s) undetermined: the total is a lower bound.`, liquidity: "Refunded or deferred (liquidity, not a saving): ",
        byCat: "By category", eligible: "Eligible reliefs", informational: "Also applies (the text sets no amount)", undetermined: "Undetermined (facts to provide)",
        questions: "Facts to provide first (by the money they decide)", near: "Near misses", ineligible: "Not eligible", superseded: "Superseded within an exclusive group (not counted)",
        notInForce: "Not in force in the year", upTo: "up to ", needs: "Needs: ", quote: "Quote", explain: "Step by step", cites: "Cites: ", notes: "Note: ",
        failedCond: "Fails: ", refunded: "Refunded/deferred ", rulePack: "rule pack", none: "none", fileName: "profile" }
    };
    const ENUM_WORDS = { president: ["会长", "president"], vice_president: ["副会长", "vice president"], member: ["会员", "member"] };
    let lang = localStorage.getItem("jianfu.lang") || document.documentElement.dataset.defaultLang || "zh";
    let schema = null, lastReport = null, lastProfile = null;
    const t = (k) => UI[lang][k];
    const $ = (s, el = document) => el.querySelector(s);

    function h(tag, attrs, ...kids) {
      const e = document.createElement(tag);
      for (const [k, v] of Object.entries(attrs || {})) {
        if (v == null || v === false) continue;
        if (k === "class") e.className = v;
        else if (k === "text") e.textContent = v;
        else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
        else e.setAttribute(k, v === true ? "" : v);
      }
      for (const k of kids.flat()) if (k != null && k !== false) e.append(k);
      return e;
    }

    // Exact numbers: the text typed is written into the JSON as is.
    class Raw { constructor(text) { this.text = text; } }
    function toJSON(v, ind = "") {
      const next = ind + "  ";
      if (v instanceof Raw) return v.text;
      if (Array.isArray(v)) return v.length ? "[\n" + v.map((x) => next + toJSON(x, next)).join(",\n") + "\n" + ind + "]" : "[]";
      if (v && typeof v === "object") {
        const ks = Object.keys(v);
        return ks.length ? "{\n" + ks.map((k) => next + JSON.stringify(k) + ": " + toJSON(v[k], next)).join(",\n") + "\n" + ind + "}" : "{}";
      }
      return JSON.stringify(v);
    }
    const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;
    // "21.5%" → "0.215" by moving the decimal point, not by floating-point division.
    function percentToFraction(s) {
      const m = /^([0-9]+)(?:\.([0-9]+))?%$/.exec(s);
      if (!m) return null;
      let digits = (m[1] + (m[2] || "")).replace(/^0+(?=\d)/, ""), scale = (m[2] || "").length + 2;
      while (digits.length <= scale) digits = "0" + digits;
      let r = digits.slice(0, digits.length - scale) + "." + digits.slice(digits.length - scale);
      r = r.replace(/0+$/, "").replace(/\.$/, "");
      return r;
    }
    function label(spec) { return lang === "zh" ? spec.zh : spec.en; }
    function enumWord(v) { return ENUM_WORDS[v] ? ENUM_WORDS[v][lang === "zh" ? 0 : 1] : v; }

    // ---- the form ----
    function scalarInput(spec, path) {
      const common = { "data-path": path, "data-type": spec.type, id: "f-" + path, "aria-label": label(spec) };
      if (spec.type === "bool" || spec.type === "enum") {
        const opts = spec.type === "bool" ? [["true", t("yes")], ["false", t("no")]] : spec.values.map((v) => [v, enumWord(v)]);
        return h("select", common, h("option", { value: "", text: t("unset") }), opts.map(([v, l]) => h("option", { value: v, text: l })));
      }
      const attrs = Object.assign({ type: spec.type === "date" ? "date" : "text" }, common);
      if (["money", "int", "rate"].includes(spec.type)) attrs.inputmode = spec.type === "int" ? "numeric" : "decimal";
      if (spec.default != null) attrs.placeholder = t("dflt") + spec.default;
      else if (spec.type === "rate") attrs.placeholder = "0.25 / 25%";
      else if (spec.format === "gb2260") attrs.placeholder = "330802";
      else if (spec.format === "gb4754") attrs.placeholder = "C2614";
      return h("input", attrs);
    }
    function unitText(spec) { return spec.unit ? h("span", { class: "unit", text: "（" + spec.unit + "）" }) : null; }

    function listRow(spec, container, index) {
      const item = spec.item, path = `${spec.name}[${index}]`;
      const row = h("div", { class: "row" }, h("span", { class: "idx", text: String(index + 1) }));
      if (item.type === "record") {
        for (const k of item.keys) row.append(h("div", { class: "sub" }, h("label", { for: "f-" + path + "." + k.name }, label(k), unitText(k)), scalarInput(k, path + "." + k.name)));
      } else {
        row.append(h("div", { class: "sub" }, scalarInput(item, path)));
      }
      row.append(h("button", { type: "button", class: "small", text: t("remove"), onclick: () => { row.remove(); renumber(spec, container); } }));
      container.append(row);
      return row;
    }
    function renumber(spec, container) {
      [...container.children].forEach((row, i) => {
        row.querySelector(".idx").textContent = String(i + 1);
        for (const el of row.querySelectorAll("[data-path]")) {
          el.dataset.path = el.dataset.path.replace(/\[\d+\]/, `[${i}]`);
          el.id = "f-" + el.dataset.path;
        }
        for (const l of row.querySelectorAll("label[for]")) l.htmlFor = l.htmlFor.replace(/\[\d+\]/, `[${i}]`);
      });
    }
    function fieldBlock(spec) {
      const help = spec.description ? h("div", { class: "help", text: spec.description[lang] }) : null;
      if (spec.type === "list") {
        const rows = h("div", { class: "rows", "data-list": spec.name });
        const add = h("button", { type: "button", class: "small", text: "+ " + t("add"), onclick: () => listRow(spec, rows, rows.children.length) });
        return h("div", { class: "field wide" }, h("label", {}, label(spec), unitText(spec.item)), help, rows, h("div", {}, add));
      }
      if (spec.type === "record") {
        const rec = h("div", { class: "record" });
        for (const k of spec.keys) rec.append(h("div", { class: "sub" }, h("label", { for: "f-" + spec.name + "." + k.name }, label(k), unitText(k)), scalarInput(k, spec.name + "." + k.name)));
        return h("div", { class: "field wide" }, h("label", {}, label(spec)), help, rec);
      }
      return h("div", { class: "field" }, h("label", { for: "f-" + spec.name }, label(spec), unitText(spec)), scalarInput(spec, spec.name), help);
    }
    function buildForm() {
      const form = $("#form");
      form.replaceChildren();
      for (const g of schema.groups) {
        const fs = h("fieldset", { class: "group" }, h("legend", { text: g.label[lang] }));
        const grid = h("div", { class: "grid" });
        for (const f of schema.fields.filter((f) => f.group === g.id)) grid.append(fieldBlock(f));
        fs.append(grid);
        form.append(fs);
      }
      const rest = schema.fields.filter((f) => !schema.groups.some((g) => g.id === f.group));
      if (rest.length) form.append(h("fieldset", { class: "group" }, h("div", { class: "grid" }, rest.map(fieldBlock))));
    }

    function readScalar(el) {
      const v = el.value.trim();
      if (v === "") return undefined;
      switch (el.dataset.type) {
        case "bool": return v === "true";
        case "money": case "int": case "rate": {
          const plain = v.replace(/,/g, "");
          if (NUMBER.test(plain)) return new Raw(plain);
          if (el.dataset.type === "rate") { const f = percentToFraction(plain); if (f !== null) return new Raw(f); }
          return v; // the server names the field and what it expected
        }
        default: return v;
      }
    }
    function readProfile() {
      const p = {};
      for (const f of schema.fields) {
        if (f.type === "list") {
          const rows = [...document.querySelectorAll(`[data-list="${f.name}"] > .row`)];
          const items = rows.map((row) => {
            if (f.item.type !== "record") return readScalar(row.querySelector("[data-path]"));
            const o = {};
            for (const el of row.querySelectorAll("[data-path]")) { const v = readScalar(el); if (v !== undefined) o[el.dataset.path.split(".").pop()] = v; }
            return Object.keys(o).length ? o : undefined;
          }).filter((x) => x !== undefined);
          if (items.length) p[f.name] = items;
        } else if (f.type === "record") {
          const o = {};
          for (const k of f.keys) { const v = readScalar(document.getElementById("f-" + f.name + "." + k.name)); if (v !== undefined) o[k.name] = v; }
          if (Object.keys(o).length) p[f.name] = o;
        } else {
          const v = readScalar(document.getElementById("f-" + f.name));
          if (v !== undefined) p[f.name] = v;
        }
      }
      return p;
    }
    function show(v) { return v instanceof Raw ? v.text : typeof v === "boolean" ? String(v) : v == null ? "" : typeof v === "object" ? "" : String(v); }
    function setScalar(el, v) { if (el) el.value = show(v); }
    function fillProfile(p) {
      buildForm();
      const unknown = [];
      for (const [k, v] of Object.entries(p)) {
        const f = schema.fields.find((f) => f.name === k);
        if (!f) { unknown.push(k); continue; }
        if (f.type === "list") {
          const rows = document.querySelector(`[data-list="${k}"]`);
          (Array.isArray(v) ? v : []).forEach((item, i) => {
            const row = listRow(f, rows, i);
            if (f.item.type === "record") { for (const kk of f.item.keys) setScalar(row.querySelector(`[data-path="${k}[${i}].${kk.name}"]`), item ? item[kk.name] : null); }
            else setScalar(row.querySelector("[data-path]"), item);
          });
        } else if (f.type === "record") {
          for (const kk of f.keys) setScalar(document.getElementById("f-" + k + "." + kk.name), v ? v[kk.name] : null);
        } else setScalar(document.getElementById("f-" + k), v);
      }
      return unknown;
    }

    // ---- messages ----
    function notice(title, items) {
      const n = $("#notice");
      n.replaceChildren(h("strong", { text: title }), items && items.length ? h("ul", {}, items.map((i) => h("li", { text: i }))) : null);
      n.hidden = false;
    }
    function clearMarks() {
      $("#notice").hidden = true;
      for (const e of document.querySelectorAll(".invalid")) e.classList.remove("invalid");
      for (const e of document.querySelectorAll(".err")) e.remove();
    }
    function markErrors(err) {
      const general = [];
      for (const d of err.details || []) {
        const el = d.path && document.querySelector(`[data-path="${CSS.escape(d.path)}"]`);
        if (el) { el.classList.add("invalid"); el.after(h("div", { class: "err", text: d.message })); }
        else general.push((d.path ? d.path + ": " : "") + d.message);
      }
      notice(t("errors"), general.length ? general : [err.message]);
      const first = document.querySelector(".invalid") || $("#notice");
      first.scrollIntoView({ block: "center" });
    }

    // ---- the report ----
    const money = (x) => x == null ? "—" : Number(x).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    const range = (lo, hi) => lo === hi ? money(lo) : money(lo) + " – " + money(hi);
    const wan = (x) => (Number(x) / 10000).toFixed(2);
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
      for (const r of eligible) parts.push(card(r, "eligible", h("span", { class: "amt", text: range(r.saving.low, r.saving.high) })));
      const info = by("eligible").filter((r) => r.kind === "informational");
      if (info.length) parts.push(h("details", { class: "more" }, h("summary", { text: `${t("informational")} (${info.length})` }), info.map((r) => card(r, "eligible", null))));
      const und = by("undetermined").sort((a, b) => Number(b.possible_high ?? Infinity) - Number(a.possible_high ?? Infinity));
      if (und.length) {
        parts.push(section("undetermined", t("undetermined"), und.length));
        if (rep.questions.length) parts.push(h("div", { class: "help", text: t("questions") }), h("ol", { class: "questions" }, rep.questions.map((q) => h("li", {}, h("strong", { text: q.label }), " — " + q.why))));
        for (const r of und) {
          const c = card(r, "undetermined", r.possible_high != null ? h("span", { class: "amt maybe", text: t("upTo") + money(r.possible_high) }) : null);
          if (r.missing && r.missing.length) c.querySelector(".reason").after(h("ul", { class: "missing" }, r.missing.map((m) => h("li", { text: `${t("needs")}${m.label} (${m.path})` }))));
          parts.push(c);
        }
      }
      if (rep.near_misses.length) {
        parts.push(section("near", t("near"), rep.near_misses.length));
        for (const m of rep.near_misses) parts.push(h("article", { class: "card near" }, h("div", { class: "head" }, h("span", { class: "title", text: m.text }), h("span", { class: "amt maybe", text: range(m.saving_low, m.saving_high) })), h("div", { class: "cite", text: m.rule })));
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

    // ---- requests ----
    async function post(path, profile) {
      try {
        const res = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" },
          body: '{"profile": ' + toJSON(profile, "") + ', "lang": "' + lang + '"}' });
        let body = {};
        try { body = await res.json(); } catch (e) { body = {}; }
        return { ok: res.ok, status: res.status, body };
      } catch (e) { return { ok: false, status: 0, body: { error: { message: String(e) } } }; }
    }
    async function submit(ev) {
      if (ev) ev.preventDefault();
      clearMarks();
      lastProfile = readProfile();
      $("#status").textContent = t("checking");
      const r = await post("v1/check", lastProfile);
      $("#status").textContent = "";
      if (r.ok) { lastReport = r.body; renderReport(r.body); $("#report").scrollIntoView({ block: "start" }); return; }
      $("#report").replaceChildren();
      if (r.status === 422 && r.body.error) markErrors(r.body.error);
      else notice(t("failed") + (r.body.error ? r.body.error.message : "HTTP " + r.status));
    }

    // ---- files, language ----
    function loadFile(file) {
      const reader = new FileReader();
      reader.onload = () => {
        clearMarks();
        try {
          const p = JSON.parse(String(reader.result).replace(/^\uFEFF/, ""));
          if (!p || typeof p !== "object" || Array.isArray(p)) throw new Error("expected a JSON object");
          const unknown = fillProfile(p);
          $("#report").replaceChildren();
          $("#status").textContent = t("loaded") + file.name;
          if (unknown.length) notice(t("unknownKeys") + unknown.join(", "));
        } catch (e) { notice(t("badFile") + e.message); }
      };
      reader.readAsText(file);
    }
    function saveFile() {
      const p = readProfile();
      const blob = new Blob([toJSON(p) + "\n"], { type: "application/json" });
      const a = h("a", { href: URL.createObjectURL(blob), download: (typeof p.id === "string" ? p.id : t("fileName")) + ".json" });
      document.body.append(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    }
    function applyLang() {
      document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
      for (const [id, key] of [["t-title", "title"], ["t-intro", "intro"], ["b-load", "load"], ["b-save", "save"], ["b-clear", "clear"], ["b-check", "check"]]) $("#" + id).textContent = t(key);
      for (const b of document.querySelectorAll(".langs button")) b.classList.toggle("on", b.dataset.lang === lang);
      document.title = "Jianfu " + t("title");
    }
    async function setLang(l) {
      const p = schema ? readProfile() : null;
      lang = l; localStorage.setItem("jianfu.lang", l);
      applyLang();
      if (!schema) return;
      fillProfile(p);
      if (lastReport) await submit();
    }
    function fromHash() {
      const params = {};
      for (const part of location.hash.replace(/^#/, "").split("&")) {
        const i = part.indexOf("=");
        if (i > 0) { try { params[part.slice(0, i)] = decodeURIComponent(part.slice(i + 1)); } catch (e) { /* ignore */ } }
      }
      return params;
    }

    async function start() {
      const params = fromHash();
      if (params.lang === "zh" || params.lang === "en") lang = params.lang;
      applyLang();
      $("#form").addEventListener("submit", submit);
      $("#b-load").addEventListener("click", () => $("#file").click());
      $("#file").addEventListener("change", (e) => { if (e.target.files[0]) loadFile(e.target.files[0]); e.target.value = ""; });
      $("#b-save").addEventListener("click", saveFile);
      $("#b-clear").addEventListener("click", () => { clearMarks(); buildForm(); lastReport = null; $("#report").replaceChildren(); });
      for (const b of document.querySelectorAll(".langs button")) b.addEventListener("click", () => setLang(b.dataset.lang));
      try {
        const res = await fetch("v1/schema");
        schema = await res.json();
      } catch (e) { notice(t("failed") + e); return; }
      buildForm();
      if (params.profile) {
        try { const unknown = fillProfile(JSON.parse(params.profile)); if (unknown.length) notice(t("unknownKeys") + unknown.join(", ")); await submit(); }
        catch (e) { notice(t("badFile") + e.message); }
      }
    }
    start();
    """#
}
