import Foundation

/// Reading input files for the commands, with messages that name the file.
public enum InputFile {
    /// The bytes of `path` (`-` = standard input).
    public static func bytes(_ path: String) throws(Diagnostics) -> [UInt8] {
        if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw Diagnostics([Diagnostic(path, "no such file")])
        }
        guard !isDir.boolValue else { throw Diagnostics([Diagnostic(path, "is a folder; expected a file")]) }
        guard let d = FileManager.default.contents(atPath: path) else { throw Diagnostics([Diagnostic(path, "cannot read the file")]) }
        return Array(d)
    }

    /// Parses a JSON file, naming file:line:col on a syntax error.
    public static func json(_ path: String) throws(Diagnostics) -> JSONNode {
        try json(try bytes(path), path: path)
    }

    /// Parses bytes read from `path`, naming file:line:col on a syntax error.
    public static func json(_ b: [UInt8], path: String) throws(Diagnostics) -> JSONNode {
        do { return try JSONParser.parse(b) } catch {
            throw Diagnostics([Diagnostic("\(path):\(error.line):\(error.column)", error.message)])
        }
    }

    /// One enterprise profile from a JSON file.
    public static func profile(_ path: String, schema: Schema, lang: Lang = .en) throws(Diagnostics) -> Profile {
        let node = try json(path)
        switch ProfileReader(schema: schema, lang: lang).read(node, origin: path == "-" ? "<stdin>" : path) {
        case .success(let p): return p
        case .failure(let d): throw d
        }
    }
}
