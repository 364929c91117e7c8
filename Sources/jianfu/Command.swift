import Foundation
import JianfuCore

/// A text of the CLI in both languages.
struct Bilingual {
    let zh: String
    let en: String
    init(_ zh: String, _ en: String) { self.zh = zh; self.en = en }
    func text(_ lang: Lang) -> String { lang == .zh ? zh : en }
}

/// One command of the CLI.
struct Command {
    let name: String
    let summary: Bilingual
    /// The syntax line (the same in both languages).
    let usage: String
    /// What the syntax line does not say (exit codes, modes), or nil.
    var notes: Bilingual? = nil
    let example: String
    /// Option name → takes a value.
    let options: [String: Bool]
    /// Whether the command reads the policy folder (its help then says which one is in use).
    var readsPolicies = true
    let run: (Options) -> Int32

    func help(_ lang: Lang) -> String {
        var s = summary.text(lang) + "\n\n" + (lang == .zh ? "用法：" : "Usage: ") + usage + "\n"
        if let notes { s += "\n" + notes.text(lang) + "\n" }
        s += "\n" + (lang == .zh ? "示例：" : "Example:") + "\n  " + example + "\n"
        if readsPolicies { s += "\n" + PolicyFolder.find(given: nil).description(lang) + "\n" }
        return s
    }
}

/// Parsed arguments: positionals and `--name value` options.
struct Options {
    var positional: [String] = []
    var values: [String: String] = [:]
    var flags: Set<String> = []
    /// The command's usage line, for error messages.
    var usage = ""
    /// The language of `--lang` (checked by `parseLang`).
    var lang: Lang = .zh

    func value(_ name: String) -> String? { values[name] }
}

enum Exit {
    static let ok: Int32 = 0
    static let failure: Int32 = 1
    static let usage: Int32 = 2
    static let attention: Int32 = 3
}

/// A line on standard error (a newline added when missing).
func printErr(_ s: String) { StandardStreams.err(s.hasSuffix("\n") ? s : s + "\n") }

/// Text on standard output; a failed write ends the command (see `StandardStreams.out`).
func printOut(_ s: String) { StandardStreams.out(s) }

func topUsage(_ commands: [Command], _ lang: Lang = StandardStreams.lang) -> String {
    var s = lang == .zh
        ? "jianfu \(JianfuVersion.string) — 把降本减负政策变成可核对的规则\n\n用法：jianfu <命令> [选项]\n\n命令：\n"
        : "jianfu \(JianfuVersion.string) — China's cost-reduction (降本减负) policies as checkable rules\n\nUsage: jianfu <command> [options]\n\nCommands:\n"
    for c in commands { s += "  " + c.name.padding(toLength: 20, withPad: " ", startingAt: 0) + c.summary.text(lang) + "\n" }
    s += lang == .zh
        ? "\n`jianfu <命令> --help` 显示该命令的选项和示例；`--lang en` 用英文。\n"
        : "\nRun `jianfu <command> --help` for a command's options and an example; `--lang zh` for Chinese.\n"
    s += "\n" + PolicyFolder.find(given: nil).description(lang) + "\n"
    return s
}

/// "用法：…" / "Usage: …" for an error message.
func usageLine(_ usage: String) -> String { zhEn("用法：", "Usage: ") + usage }

func dispatch(_ args: [String], _ commands: [Command]) -> Int32 {
    // The language of every message, before any option is checked (an unknown value is reported by parseLang).
    if let k = args.firstIndex(where: { $0 == "--lang" || $0.hasPrefix("--lang=") }) {
        let v = args[k] == "--lang" ? (k + 1 < args.count ? args[k + 1] : "") : String(args[k].dropFirst("--lang=".count))
        StandardStreams.lang = Lang(rawValue: v) ?? .zh
    }
    guard let name = args.first else { printErr(topUsage(commands)); return Exit.usage }
    if name == "--help" || name == "-h" || name == "help" || name == "--lang" { printOut(topUsage(commands)); return Exit.ok }
    if name == "--version" { printOut("jianfu \(JianfuVersion.string)\n"); return Exit.ok }
    guard let cmd = commands.first(where: { $0.name == name }) else {
        printErr(zhEn("jianfu：未知命令“\(name)”", "jianfu: unknown command '\(name)'") + Suggest.hint(name, in: commands.map(\.name), lang: StandardStreams.lang)
                 + "\n\n" + topUsage(commands))
        return Exit.usage
    }
    var o = Options()
    o.usage = cmd.usage
    o.lang = StandardStreams.lang
    var i = 1
    let rest = Array(args)
    while i < rest.count {
        let a = rest[i]
        if a == "--help" || a == "-h" { printOut(cmd.help(StandardStreams.lang)); return Exit.ok }
        if a.hasPrefix("--") && a.count > 2 {
            var key = a, inline: String?
            if let eq = a.firstIndex(of: "=") { key = String(a[..<eq]); inline = String(a[a.index(after: eq)...]) }
            guard let takesValue = cmd.options[key] else {
                printErr(zhEn("jianfu \(name)：未知选项“\(key)”", "jianfu \(name): unknown option '\(key)'")
                         + Suggest.hint(key, in: cmd.options.keys, lang: StandardStreams.lang) + "\n\n" + usageLine(cmd.usage))
                return Exit.usage
            }
            if takesValue {
                if let inline { o.values[key] = inline } else {
                    guard i + 1 < rest.count else {
                        printErr(zhEn("jianfu \(name)：选项“\(key)”需要一个值", "jianfu \(name): option '\(key)' needs a value") + "\n\n" + usageLine(cmd.usage))
                        return Exit.usage
                    }
                    o.values[key] = rest[i + 1]
                    i += 1
                }
            } else {
                o.flags.insert(key)
            }
        } else {
            o.positional.append(a)
        }
        i += 1
    }
    return cmd.run(o)
}

/// Loads the policy folder (see `PolicyFolder`) or prints every lint error.
func loadEngine(_ o: Options) -> Engine? {
    let folder = PolicyFolder.find(given: o.value("--policies"))
    guard let dir = folder.path else {
        printErr(folder.description(StandardStreams.lang))
        return nil
    }
    do {
        return Engine(policy: try PolicyLoader.load(directory: dir))
    } catch {
        printErr(error.description)
        printErr(zhEn("jianfu：政策目录 \(dir)（\(folder.origin.text(.zh))）有 \(error.items.count) 处错误；没有进行任何评价",
                      "jianfu: the policy folder \(dir) (\(folder.origin.text(.en))) has \(error.items.count) error(s); nothing was evaluated"))
        return nil
    }
}

func parseLang(_ o: Options) -> Lang? {
    guard let v = o.value("--lang") else { return .zh }
    guard let l = Lang(rawValue: v) else { printErr("jianfu：--lang 取 zh 或 en，实为“\(v)” / jianfu: --lang takes zh or en, got '\(v)'"); return nil }
    return l
}

func parseYear(_ o: Options) -> (ok: Bool, year: Int?) {
    guard let v = o.value("--year") else { return (true, nil) }
    guard let y = Int(v), (1900...2200).contains(y) else {
        printErr(zhEn("jianfu：--year 应为四位年份，实为“\(v)”", "jianfu: --year takes a four-digit year, got '\(v)'")); return (false, nil)
    }
    return (true, y)
}
