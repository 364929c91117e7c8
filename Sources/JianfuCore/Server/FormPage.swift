import Foundation

/// The browser form served at `/`: one self-contained page (HTML, CSS and a small script inline; nothing from
/// the network but this server's own API). The script builds the fields from `/v1/schema`, posts the profile to
/// `/v1/check` and renders the report. `#profile=<url-encoded JSON>` prefills the form and submits it.
enum FormPage {
    static func response(defaultLang: Lang) -> HTTPResponse {
        let page = html.replacingOccurrences(of: "{{LANG}}", with: defaultLang.rawValue)
            .replacingOccurrences(of: "{{HTML_LANG}}", with: defaultLang == .zh ? "zh-CN" : "en")
        return HTTPResponse(status: 200, contentType: "text/html; charset=utf-8", body: Array(page.utf8), headers: [
            ("Content-Security-Policy", contentSecurityPolicy),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
            ("Cache-Control", "no-cache"),
        ])
    }

    /// Only this page's own script and style run, and they may talk only to this server.
    static let contentSecurityPolicy = "default-src 'none'; script-src '\(hash(FormScript.source))'; style-src '\(hash(style))'; "
        + "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    static func hash(_ text: String) -> String { "sha256-" + Data(SHA256.hash(Array(text.utf8))).base64EncodedString() }

    static let html = """
    <!doctype html>
    <html lang="{{HTML_LANG}}" data-default-lang="{{LANG}}">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Jianfu 减负政策体检</title>
    <style>\(style)</style>
    </head>
    <body>
    <header class="bar">
      <div class="brand"><strong>Jianfu</strong> <span id="t-title"></span></div>
      <div class="tools">
        <button type="button" id="b-load" class="ghost"></button>
        <button type="button" id="b-save" class="ghost"></button>
        <button type="button" id="b-clear" class="ghost"></button>
        <span class="langs"><button type="button" data-lang="zh">中文</button><button type="button" data-lang="en">EN</button></span>
      </div>
      <input type="file" id="file" accept=".json,application/json" hidden>
    </header>
    <main>
      <p id="t-intro" class="intro"></p>
      <div id="notice" class="notice" hidden></div>
      <section id="report" aria-live="polite"></section>
      <h2 id="t-profile" class="formhead"></h2>
      <form id="form" novalidate autocomplete="off"></form>
      <div class="actions"><button type="submit" form="form" id="b-check" class="primary"></button><span id="status"></span></div>
    </main>
    <footer id="foot"></footer>
    <script>\(FormScript.source)</script>
    </body>
    </html>
    """

    static let style = #"""
    :root { --ink: #1d2430; --muted: #5d6777; --line: #d9dee6; --bg: #f5f6f8; --card: #fff; --accent: #0b5cad;
      --good: #17753a; --warn: #a05a00; --bad: #b3261e;
      font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB",
        "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; color: var(--ink); background: var(--bg); }
    * { box-sizing: border-box; }
    body { margin: 0; font-size: 15px; line-height: 1.5; }
    .bar { position: sticky; top: 0; z-index: 2; display: flex; flex-wrap: wrap; gap: 8px; align-items: center;
      justify-content: space-between; padding: 10px 16px; background: #fff; border-bottom: 1px solid var(--line); }
    .brand strong { color: var(--accent); margin-right: 6px; }
    .tools { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
    main { max-width: 1040px; margin: 0 auto; padding: 12px 16px 40px; }
    .intro { color: var(--muted); margin: 4px 0 12px; }
    button { font: inherit; border-radius: 6px; border: 1px solid var(--line); background: #fff; color: var(--ink);
      padding: 5px 12px; cursor: pointer; }
    button:hover { border-color: var(--accent); }
    button.primary { background: var(--accent); border-color: var(--accent); color: #fff; padding: 9px 28px; font-weight: 600; }
    button.ghost { background: transparent; }
    button.link { border: none; background: none; color: var(--accent); padding: 0; }
    button.small { padding: 1px 8px; font-size: 13px; }
    .langs button { border-radius: 0; margin: 0; }
    .langs button:first-child { border-radius: 6px 0 0 6px; }
    .langs button:last-child { border-radius: 0 6px 6px 0; margin-left: -1px; }
    .langs button.on { background: var(--accent); color: #fff; border-color: var(--accent); }
    fieldset.group { background: var(--card); border: 1px solid var(--line); border-radius: 10px; margin: 0 0 14px; padding: 10px 14px 14px; }
    fieldset.group > legend { font-weight: 700; padding: 0 6px; }
    .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 10px 16px; }
    .field { display: flex; flex-direction: column; gap: 3px; min-width: 0; }
    .field.wide { grid-column: 1 / -1; }
    .field > label, .sub > label { font-size: 13.5px; font-weight: 600; }
    .unit { color: var(--muted); font-weight: 400; }
    .help { color: var(--muted); font-size: 12px; line-height: 1.35; }
    input, select { font: inherit; width: 100%; padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; background: #fff; min-width: 0; }
    input:focus, select:focus { outline: 2px solid #9cc3ee; border-color: var(--accent); }
    .invalid { border-color: var(--bad) !important; background: #fff6f5; }
    .err { color: var(--bad); font-size: 12.5px; }
    .rows { display: flex; flex-direction: column; gap: 6px; }
    .row { display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: flex-end; padding: 8px; border: 1px dashed var(--line); border-radius: 8px; }
    .row .sub { display: flex; flex-direction: column; gap: 2px; flex: 1 1 140px; min-width: 0; }
    .row .idx { color: var(--muted); font-size: 12px; align-self: center; min-width: 1.5em; }
    .record { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 8px 12px; }
    .actions { position: sticky; bottom: 0; display: flex; gap: 12px; align-items: center; padding: 10px 0; background: linear-gradient(transparent, var(--bg) 30%); }
    #status { color: var(--muted); }
    .notice { background: #fff6f5; border: 1px solid #f0c4c0; color: var(--bad); border-radius: 8px; padding: 10px 14px; margin-bottom: 12px; }
    .notice ul { margin: 6px 0 0; padding-left: 20px; }
    #report:empty { display: none; }
    .summary { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 16px; margin: 8px 0 16px; }
    .summary h2 { margin: 0 0 4px; font-size: 18px; }
    .ent { color: var(--muted); }
    .total { margin: 10px 0 4px; }
    .total .big { font-size: 30px; font-weight: 700; color: var(--good); font-variant-numeric: tabular-nums; }
    .cats { width: 100%; border-collapse: collapse; margin-top: 10px; }
    .cats td { padding: 4px 0; border-top: 1px solid var(--line); vertical-align: middle; }
    .cats td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; padding-left: 10px; }
    .bar-bg { height: 6px; background: #e6ebf2; border-radius: 3px; margin-top: 3px; }
    .bar-fg { height: 6px; background: var(--good); border-radius: 3px; }
    h3.sec { margin: 22px 0 8px; font-size: 16px; display: flex; align-items: center; gap: 8px; }
    h3.sec .count { font-size: 12px; font-weight: 600; color: #fff; border-radius: 10px; padding: 0 8px; background: var(--muted); }
    h3.eligible .count { background: var(--good); } h3.undetermined .count { background: var(--warn); } h3.ineligible .count { background: var(--bad); }
    .card { background: var(--card); border: 1px solid var(--line); border-left: 4px solid var(--line); border-radius: 8px; padding: 10px 12px; margin-bottom: 8px; }
    .card.eligible { border-left-color: var(--good); } .card.undetermined { border-left-color: var(--warn); }
    .card.ineligible { border-left-color: var(--bad); } .card.near { border-left-color: #6b8fd6; }
    .card .head { display: flex; gap: 10px; justify-content: space-between; align-items: baseline; }
    .card .title { font-weight: 600; overflow-wrap: anywhere; }
    .card .amt { font-weight: 700; color: var(--good); white-space: nowrap; font-variant-numeric: tabular-nums; }
    .card .amt.maybe { color: var(--warn); font-weight: 600; }
    .cite { color: var(--muted); font-size: 12.5px; overflow-wrap: anywhere; }
    .reason { margin-top: 3px; font-size: 14px; overflow-wrap: anywhere; }
    .missing { margin: 4px 0 0; padding-left: 18px; font-size: 13.5px; }
    .card details { margin-top: 4px; font-size: 13.5px; }
    .card summary { color: var(--accent); cursor: pointer; }
    blockquote { margin: 6px 0; padding: 6px 10px; background: #f3f5f9; border-left: 3px solid #c5cedb; }
    pre.explain { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 12.5px; background: #f3f5f9; padding: 8px; border-radius: 6px; max-height: 420px; overflow: auto; }
    ol.questions { margin: 0; padding-left: 22px; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px 8px 30px; }
    ol.questions { margin-bottom: 10px; }
    ol.questions li { margin: 3px 0; }
    details.more-questions { margin: -4px 0 10px; }
    details.more-questions > summary { cursor: pointer; color: var(--accent); font-size: 13.5px; margin-bottom: 6px; }
    .formhead { font-size: 17px; margin: 8px 0 10px; }
    .cats caption { text-align: left; }
    a.jump { color: var(--accent); text-decoration: none; border-bottom: 1px dotted var(--accent); cursor: pointer; }
    #report { margin-bottom: 24px; }
    .compact { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 6px 12px; }
    .compact .item { padding: 6px 0; border-top: 1px solid var(--line); }
    .compact .item:first-child { border-top: none; }
    details.more > summary { cursor: pointer; color: var(--accent); margin: 18px 0 6px; }
    footer { color: var(--muted); font-size: 12px; text-align: center; padding: 0 16px 24px; overflow-wrap: anywhere; }
    @media (max-width: 600px) {
      body { font-size: 14.5px; }
      main { padding: 10px 10px 40px; }
      .bar { padding: 8px 10px; }
      .grid { grid-template-columns: 1fr; }
      .total .big { font-size: 26px; }
      .card .head { flex-direction: column; gap: 2px; }
    }
    """#
}
