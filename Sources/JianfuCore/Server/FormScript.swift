/// The form's script: builds the fields from `/v1/schema`, reads and writes profile files, posts to
/// `/v1/check` and `/v1/explain/{rule}`, and renders the report. Numbers travel as the text typed, never
/// through a JavaScript double, so amounts stay exact.
enum FormScript {
    static let source = beginning + "\n" + ReportScript.source + "\n" + end

    /// Helpers, the form built from the schema, reading and filling it, messages.
    static let beginning = #"""
    "use strict";
    const UI = {
      zh: { title: "减负政策体检", intro: "填写企业档案，逐条核对衢州市降本减负政策（衢政办发〔2017〕51号、52号）：可享受的减负金额、依据与原文，以及尚需补充的信息。所有字段均可不填；未填的事实不按零计算。",
        load: "载入档案", save: "保存档案", clear: "清空", check: "开始体检", checking: "正在计算…", add: "添加一行", remove: "删除",
        yes: "是", no: "否", unset: "（未填）", dflt: "缺省：", loaded: "已载入 ", badFile: "无法读取档案文件：", unknownKeys: "档案中有表单未识别的字段，已忽略：",
        errors: (n) => `档案有 ${n} 处错误，请修改标红的字段：`, failed: "请求失败：", result: "体检结果", year: "年度", total: "预计年度减负合计",
        wan: "万元", yuan: "元", lower: (n) => `另有 ${n} 条规则待确定，合计为下限。`, liquidity: "退还/缓缴资金（流动性，不计入减负）：",
        byCat: "按类别", eligible: "可享受的政策", informational: "另可享受（原文未规定金额，不作估算）", undetermined: "待确定（请补充信息）",
        questions: "请先补充（按可决定的金额排序）", near: "差一点就符合", ineligible: "不符合条件", superseded: "同组就高不重复（未计入）",
        notInForce: "不在有效期内", upTo: "至多 ", needs: "需补充：", quote: "原文", explain: "逐步解读", cites: "依据：", notes: "说明：",
        failedCond: "未满足：", refunded: "退还/缓缴金额 ", rulePack: "规则包", none: "无", sameAs: "同", computed: "按说明计算", profile: "企业档案", more: (n) => `另有 ${n} 项`, fileName: "企业档案" },
      en: { title: "cost-reduction check", intro: "Fill in an enterprise profile to check it clause by clause against Quzhou's cost-reduction policies (衢政办发〔2017〕51号 and 52号): the reliefs, their amounts, citations and quotes, and the facts still needed. Every field is optional; a fact left empty is not taken as zero.",
        load: "Load profile", save: "Save profile", clear: "Clear", check: "Check", checking: "Computing…", add: "Add a row", remove: "Remove",
        yes: "yes", no: "no", unset: "(not given)", dflt: "default: ", loaded: "Loaded ", badFile: "Cannot read the profile file: ", unknownKeys: "The file has fields this form does not know; ignored: ",
        errors: (n) => `The profile has ${n} problem(s); fix the fields marked in red:`, failed: "The request failed: ", result: "Result", year: "year", total: "Estimated annual saving",
        wan: "万元", yuan: "yuan", lower: (n) => `${n} rule(s) undetermined: the total is a lower bound.`, liquidity: "Refunded or deferred (liquidity, not a saving): ",
        byCat: "By category", eligible: "Eligible reliefs", informational: "Also applies (the text sets no amount)", undetermined: "Undetermined (facts to provide)",
        questions: "Facts to provide first (by the money they decide)", near: "Near misses", ineligible: "Not eligible", superseded: "Superseded within an exclusive group (not counted)",
        notInForce: "Not in force in the year", upTo: "up to ", needs: "Needs: ", quote: "Quote", explain: "Step by step", cites: "Cites: ", notes: "Note: ",
        failedCond: "Fails: ", refunded: "Refunded/deferred ", rulePack: "rule pack", none: "none", sameAs: "same as ", computed: "computed (see below)", profile: "Enterprise profile", more: (n) => `${n} more`, fileName: "profile" }
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
    function fieldLabel(name) { const f = schema.fields.find((f) => f.name === name); return f ? label(f) : name; }
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
      if (spec.default != null) attrs.placeholder = t("dflt") + defaultText(spec.default);
      else if (spec.type === "rate") attrs.placeholder = "0.25 / 25%";
      else if (spec.format === "gb2260") attrs.placeholder = "330802";
      else if (spec.format === "gb4754") attrs.placeholder = "C2614";
      return h("input", attrs);
    }
    // A default as a reader would say it: a number or percent as is, a field by its label, a formula as "computed".
    function defaultText(d) {
      if (/^[0-9.]+%?$/.test(d)) return d;
      const f = schema.fields.find((f) => f.name === d);
      if (f) return t("sameAs") + label(f);
      return t("computed");
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
      n.replaceChildren(h("strong", { text: title }));
      if (items && items.length) n.append(h("ul", {}, items.map((i) => h("li", { text: i }))));
      n.hidden = false;
    }
    // A second message beside one already shown (a file's unknown fields after the check's errors).
    function addNotice(text) {
      if ($("#notice").hidden) notice(text); else $("#notice").append(h("div", { text }));
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
      // Messages tied to an input stand beside it; the box lists only the others.
      notice(t("errors")(err.details ? err.details.length : 1), general);
      const top = $("#notice").getBoundingClientRect().top;
      if (top < 0 || top > innerHeight * 0.6) $("#notice").scrollIntoView({ block: "start" });
    }
    """#

    /// Requests, files, the language switch and start-up.
    static let end = #"""
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
      if (r.ok) {
        lastReport = r.body; renderReport(r.body);
        // The report sits above the form: bring it into view only when it is not (a resubmission from below).
        const top = $("#report").getBoundingClientRect().top;
        if (top < 0 || top > innerHeight * 0.6) $("#report").scrollIntoView({ block: "start" });
        return;
      }
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
      for (const [id, key] of [["t-title", "title"], ["t-intro", "intro"], ["t-profile", "profile"], ["b-load", "load"], ["b-save", "save"], ["b-clear", "clear"], ["b-check", "check"]]) $("#" + id).textContent = t(key);
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
        try { const unknown = fillProfile(JSON.parse(params.profile)); await submit(); if (unknown.length) addNotice(t("unknownKeys") + unknown.join(", ")); }
        catch (e) { notice(t("badFile") + e.message); }
      }
    }
    start();
    """#
}
