import Foundation
import JianfuCore

/// One command of the CLI.
struct Command {
    let name: String
    let summary: String
    let usage: String
    let example: String
    /// Option name → takes a value.
    let options: [String: Bool]
    let run: (Options) -> Int32

    var help: String {
        "\(summary)\n\nUsage: \(usage)\n\nExample:\n  \(example)\n"
    }
}

/// Parsed arguments: positionals and `--name value` options.
struct Options {
    var positional: [String] = []
    var values: [String: String] = [:]
    var flags: Set<String> = []
    /// The command's usage line, for error messages.
    var usage = ""

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

func topUsage(_ commands: [Command]) -> String {
    var s = "jianfu \(JianfuVersion.string) — China's cost-reduction (降本减负) policies as checkable rules\n\nUsage: jianfu <command> [options]\n\nCommands:\n"
    for c in commands { s += "  " + c.name.padding(toLength: 20, withPad: " ", startingAt: 0) + c.summary + "\n" }
    s += "\nRun `jianfu <command> --help` for a command's options and an example.\n"
    return s
}

func dispatch(_ args: [String], _ commands: [Command]) -> Int32 {
    guard let name = args.first else { printErr(topUsage(commands)); return Exit.usage }
    if name == "--help" || name == "-h" || name == "help" { printOut(topUsage(commands)); return Exit.ok }
    if name == "--version" { printOut("jianfu \(JianfuVersion.string)\n"); return Exit.ok }
    guard let cmd = commands.first(where: { $0.name == name }) else {
        printErr("jianfu: unknown command '\(name)'" + Suggest.hint(name, in: commands.map(\.name)) + "\n\n" + topUsage(commands))
        return Exit.usage
    }
    // The language of messages about the output streams, before any option is checked.
    if let k = args.firstIndex(where: { $0 == "--lang" || $0.hasPrefix("--lang=") }) {
        let v = args[k] == "--lang" ? (k + 1 < args.count ? args[k + 1] : "") : String(args[k].dropFirst("--lang=".count))
        StandardStreams.lang = Lang(rawValue: v) ?? .zh
    }
    var o = Options()
    o.usage = cmd.usage
    var i = 1
    let rest = Array(args)
    while i < rest.count {
        let a = rest[i]
        if a == "--help" || a == "-h" { printOut(cmd.help); return Exit.ok }
        if a.hasPrefix("--") && a.count > 2 {
            var key = a, inline: String?
            if let eq = a.firstIndex(of: "=") { key = String(a[..<eq]); inline = String(a[a.index(after: eq)...]) }
            guard let takesValue = cmd.options[key] else {
                printErr("jianfu \(name): unknown option '\(key)'" + Suggest.hint(key, in: cmd.options.keys) + "\n\nUsage: \(cmd.usage)")
                return Exit.usage
            }
            if takesValue {
                if let inline { o.values[key] = inline } else {
                    guard i + 1 < rest.count else { printErr("jianfu \(name): option '\(key)' needs a value\n\nUsage: \(cmd.usage)"); return Exit.usage }
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

/// Loads the policy folder or prints every lint error.
func loadEngine(_ o: Options) -> Engine? {
    let dir = o.value("--policies") ?? ProcessInfo.processInfo.environment["JIANFU_POLICIES"] ?? "Policies"
    do {
        return Engine(policy: try PolicyLoader.load(directory: dir))
    } catch {
        printErr(error.description)
        printErr("jianfu: the policy folder \(dir) has \(error.items.count) error(s); nothing was evaluated")
        return nil
    }
}

func parseLang(_ o: Options) -> Lang? {
    guard let v = o.value("--lang") else { return .zh }
    guard let l = Lang(rawValue: v) else { printErr("jianfu: --lang takes zh or en, got '\(v)'"); return nil }
    return l
}

func parseYear(_ o: Options) -> (ok: Bool, year: Int?) {
    guard let v = o.value("--year") else { return (true, nil) }
    guard let y = Int(v), (1900...2200).contains(y) else { printErr("jianfu: --year takes a four-digit year, got '\(v)'"); return (false, nil) }
    return (true, y)
}
