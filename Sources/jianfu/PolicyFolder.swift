import Foundation
import JianfuCore

/// Which policy folder a command uses, and why. The catalog travels with the tool: in order,
/// 1. `--policies DIR`;
/// 2. the environment variable `JIANFU_POLICIES`;
/// 3. `Policies` in the current folder, when it holds a `catalog.json` (the repository, a policy author's folder);
/// 4. `Policies` beside the executable (a copied build: `jianfu` and `Policies/` in one folder);
/// 5. `../share/jianfu/Policies` from the executable (an install under a prefix: `bin/jianfu`, `share/jianfu/Policies`);
/// 6. the `Policies` of the checkout the executable was built from, if it is still there.
/// Reports carry the rule-pack hash of the folder used, so a figure always says which catalog made it.
struct PolicyFolder {
    let path: String?
    let origin: Bilingual
    /// The places looked at, for the message when none holds a catalog.
    let searched: [String]

    static func holdsCatalog(_ dir: String) -> Bool {
        FileManager.default.fileExists(atPath: dir + "/catalog.json")
    }

    /// The running executable's folder (symbolic links resolved).
    static var executableFolder: String? {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? Bundle.main.executablePath
        guard let exe else { return nil }
        return URL(fileURLWithPath: exe).resolvingSymlinksInPath().deletingLastPathComponent().path
    }

    /// The repository this executable was compiled from: this file is Sources/jianfu/PolicyFolder.swift in it.
    static let checkout: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Policies").path

    static func find(given: String?) -> PolicyFolder {
        if let given { return PolicyFolder(path: given, origin: Bilingual("由 --policies 指定", "given with --policies"), searched: [given]) }
        if let env = ProcessInfo.processInfo.environment["JIANFU_POLICIES"], !env.isEmpty {
            return PolicyFolder(path: env, origin: Bilingual("由环境变量 JIANFU_POLICIES 指定", "from the environment variable JIANFU_POLICIES"), searched: [env])
        }
        var candidates: [(String, Bilingual)] = [
            (FileManager.default.currentDirectoryPath + "/Policies", Bilingual("当前文件夹中的 Policies", "Policies in the current folder")),
        ]
        if let exe = executableFolder {
            candidates.append((exe + "/Policies", Bilingual("可执行文件旁的 Policies", "Policies beside the executable")))
            candidates.append((URL(fileURLWithPath: exe).deletingLastPathComponent().path + "/share/jianfu/Policies",
                               Bilingual("安装前缀下的 share/jianfu/Policies", "share/jianfu/Policies under the install prefix")))
        }
        candidates.append((checkout, Bilingual("构建本程序的源码目录中的 Policies", "Policies of the checkout this executable was built from")))
        for (dir, why) in candidates where holdsCatalog(dir) {
            return PolicyFolder(path: URL(fileURLWithPath: dir).standardizedFileURL.path, origin: why, searched: candidates.map(\.0))
        }
        return PolicyFolder(path: nil, origin: Bilingual("未找到", "not found"), searched: candidates.map(\.0))
    }

    /// "政策目录：PATH（为何是它）" / "Policies: PATH (why)", or where it looked when there is none.
    func description(_ lang: Lang) -> String {
        guard let path else {
            let list = searched.map { "  " + $0 }.joined(separator: "\n")
            return lang == .zh
                ? "jianfu：找不到政策目录（含 catalog.json 的 Policies 文件夹）。查找过：\n\(list)\n请用 --policies DIR 或环境变量 JIANFU_POLICIES 指定。"
                : "jianfu: no policy folder found (a Policies folder with a catalog.json). Looked in:\n\(list)\nGive one with --policies DIR or the environment variable JIANFU_POLICIES."
        }
        return (lang == .zh ? "政策目录：" : "Policies: ") + path + (lang == .zh ? "（\(origin.zh)）" : " (\(origin.en))")
    }
}
