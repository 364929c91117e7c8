import Foundation

/// One record read from a population file: a profile, or a row rejected with its reason (never dropped).
public enum SourceRecord: Sendable {
    case profile(Profile)
    case rejected(line: Int, reason: String)
}

/// A streamed reader of profiles (CSV, NDJSON or a JSON array). File-level problems (unreadable file,
/// unknown column, broken quoting) throw; row-level problems come back as `.rejected`.
public protocol ProfileSource {
    mutating func next() throws(Diagnostics) -> SourceRecord?
    /// The share of the input read so far, when it can be known (a file, not standard input).
    var fractionRead: Double? { get }
    /// The next records, up to `limit`, possibly not yet converted (see `PendingBatch`); nil at the end.
    mutating func nextBatch(limit: Int) throws(Diagnostics) -> PendingBatch?
    /// What was read so far (the digest of the bytes, their count, the physical lines): a partial's identity.
    var inputSummary: InputSummary? { get }
}

extension ProfileSource {
    public var fractionRead: Double? { nil }
    public var inputSummary: InputSummary? { nil }

    /// The next records, up to `limit`, already converted.
    public mutating func nextBatch(limit: Int) throws(Diagnostics) -> PendingBatch? {
        var records: [SourceRecord] = []
        while records.count < limit, let r = try next() { records.append(r) }
        return records.isEmpty ? nil : .records(records)
    }
}

/// Records read but not necessarily converted yet: a CSV batch is turned into profiles by whichever thread
/// evaluates it, so reading the file is not the bottleneck of a population run.
public enum PendingBatch: @unchecked Sendable {
    case records([SourceRecord])
    case csv(CSVRowBatch, CSVProfileMapper, file: String)
    /// NDJSON lines, parsed by whichever thread evaluates them.
    case ndjson(NDJSONLineBatch)

    public var count: Int {
        switch self {
        case .records(let r): return r.count
        case .csv(let b, _, _): return b.count
        case .ndjson(let b): return b.count
        }
    }

    /// A per-thread cursor that converts records of the batch (CSV rows through one reusable row view).
    public struct Reader {
        let records: [SourceRecord]
        let rows: CSVRowBatch?
        let mapper: CSVProfileMapper?
        let file: String
        let view: CSVRowStorage?
        let lines: NDJSONLineBatch?

        /// `mapper` replaces the batch's (a thread's own copy over its own schema objects).
        public init(_ batch: PendingBatch, mapper own: CSVProfileMapper? = nil) {
            // Taken apart once, not per record: every record would otherwise count references to the shared parts.
            switch batch {
            case .records(let r):
                records = r; rows = nil; mapper = nil; file = ""; view = nil; lines = nil
            case .csv(let b, let m, let f):
                records = []; rows = b; mapper = own ?? m; file = f; view = b.makeView(); lines = nil
            case .ndjson(let b):
                records = []; rows = nil; mapper = nil; file = b.file; view = nil; lines = b
            }
        }

        /// The batch's CSV mapper, if it is a CSV batch.
        public static func mapper(of batch: PendingBatch) -> CSVProfileMapper? {
            if case .csv(_, let m, _) = batch { return m }
            return nil
        }

        /// Record `k`, converted.
        public func record(_ k: Int) -> SourceRecord {
            if let lines { return lines.record(k) }
            guard let rows, let mapper, let view else { return records[k] }
            return CSVProfileSource.record(rows.row(k, in: view), mapper: mapper, file: file)
        }
    }
}

/// The format of a population file, from `--input-format` or the file's extension.
public enum PopulationFormat: String, Sendable {
    case csv, ndjson, json

    public static func guess(_ path: String) -> PopulationFormat {
        let l = path.lowercased()
        if l.hasSuffix(".ndjson") || l.hasSuffix(".jsonl") { return .ndjson }
        if l.hasSuffix(".json") { return .json }
        return .csv
    }
}

/// Opens a population file as a profile source.
public func openProfiles(_ path: String, format: PopulationFormat, encoding: TextEncodingChoice, schema: Schema,
                         lang: Lang = .en) throws(Diagnostics) -> any ProfileSource {
    switch format {
    case .csv: return try CSVProfileSource(path: path, encoding: encoding, schema: schema, lang: lang)
    case .ndjson: return try NDJSONProfileSource(path: path, schema: schema, lang: lang)
    case .json: return try JSONArrayProfileSource(path: path, schema: schema, lang: lang)
    }
}

/// Profiles from a CSV file with a header row.
public struct CSVProfileSource: ProfileSource {
    let reader: CSVReader
    let mapper: CSVProfileMapper?
    let file: String
    let size: Int?
    let pool = CSVRowBatchPool()

    public var fractionRead: Double? {
        guard let size, size > 0 else { return nil }
        return min(1, Double(reader.bytesRead) / Double(size))
    }

    public var inputSummary: InputSummary? { reader.summary }

    public init(path: String, encoding: TextEncodingChoice, schema: Schema, lang: Lang = .en) throws(Diagnostics) {
        file = path == "-" ? "<stdin>" : path
        size = path == "-" ? nil : (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        do {
            reader = try CSVReader(path: path, encoding: encoding)
            if let header = try reader.next() {
                mapper = try CSVProfileMapper(schema: schema, header: try header.strings(), file: file, lang: lang)
            } else {
                mapper = nil
            }
        } catch let e as CSVError {
            throw Diagnostics([Diagnostic(file, e.description)])
        } catch let d as Diagnostics {
            throw d
        } catch {
            throw Diagnostics([Diagnostic(file, "\(error)")])
        }
    }

    public mutating func next() throws(Diagnostics) -> SourceRecord? {
        guard let mapper else { return nil }
        let row: CSVRow?
        do { row = try reader.next() } catch { throw Diagnostics([Diagnostic(file, error.description)]) }
        guard let row else { return nil }
        return CSVProfileSource.record(row, mapper: mapper, file: file)
    }

    /// Rows are only copied here; `PendingBatch.Reader` turns them into profiles on the evaluating thread.
    public mutating func nextBatch(limit: Int) throws(Diagnostics) -> PendingBatch? {
        guard let mapper else { return nil }
        let batch: CSVRowBatch
        if let again = pool.take(), again.encoding == reader.detectedEncoding {
            batch = again
        } else {
            batch = CSVRowBatch(path: reader.path, encoding: reader.detectedEncoding, capacity: limit * 256,
                                spans: limit * max(1, mapper.columns.count))
            batch.pool = pool
        }
        do {
            // A batch stays well under 2 GiB of bytes, so its spans' 32-bit offsets hold.
            while batch.count < limit, batch.byteSize < 1 << 30, try reader.appendNext(to: batch) {}
        } catch { throw Diagnostics([Diagnostic(file, error.description)]) }
        return batch.count == 0 ? nil : .csv(batch, mapper, file: file)
    }

    static func record(_ row: CSVRow, mapper: CSVProfileMapper, file: String) -> SourceRecord {
        switch mapper.profile(row, file: file) {
        case .success(let p): return .profile(p)
        case .failure(let d): return .rejected(line: row.line, reason: d.items.map(\.description).joined(separator: "; "))
        }
    }
}

/// Reads a file line by line in large chunks (NDJSON).
final class LineReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var eof = false
    private(set) var line = 0
    private(set) var digest = InputDigest()

    init(path: String) throws(Diagnostics) {
        if path == "-" { handle = FileHandle.standardInput; return }
        guard let h = FileHandle(forReadingAtPath: path) else { throw Diagnostics([Diagnostic(path, "cannot open the file")]) }
        handle = h
    }

    /// The next line without its terminator, or nil at the end.
    func next() -> ArraySlice<UInt8>? {
        while true {
            if let nl = buffer[start...].firstIndex(of: 0x0A) {
                var end = nl
                if end > start && buffer[end - 1] == 0x0D { end -= 1 }
                let s = buffer[start..<end]
                start = nl + 1
                line += 1
                return s
            }
            if eof {
                guard start < buffer.count else { return nil }
                let s = buffer[start...]
                start = buffer.count
                line += 1
                return s
            }
            if start > 0 { buffer.removeFirst(start); start = 0 }
            let d = handle.readData(ofLength: 1 << 20)
            if d.isEmpty { eof = true } else {
                d.withUnsafeBytes { digest.update($0.bindMemory(to: UInt8.self)) }
                buffer.append(contentsOf: d)
            }
        }
    }
}

/// Profiles from NDJSON: one profile object a line.
public struct NDJSONProfileSource: ProfileSource {
    let lines: LineReader
    let reader: ProfileReader
    let file: String

    public init(path: String, schema: Schema, lang: Lang = .en) throws(Diagnostics) {
        lines = try LineReader(path: path)
        reader = ProfileReader(schema: schema, lang: lang)
        file = path == "-" ? "<stdin>" : path
    }

    public var inputSummary: InputSummary? {
        InputSummary(digest: lines.digest.hex(), bytes: lines.digest.count, lines: lines.line)
    }

    public mutating func next() throws(Diagnostics) -> SourceRecord? {
        while let l = lines.next() {
            if Self.isBlank(l) { continue }
            return Self.record(Array(l), line: lines.line, reader: reader, file: file)
        }
        return nil
    }

    /// The next lines, up to `limit` (blank ones skipped), not parsed yet: the threads that evaluate them parse
    /// them, so reading the file is not the bottleneck of a population run.
    public mutating func nextBatch(limit: Int) throws(Diagnostics) -> PendingBatch? {
        let batch = NDJSONLineBatch(reader: reader, file: file)
        while batch.count < limit, let l = lines.next() {
            if Self.isBlank(l) { continue }
            batch.append(l, line: lines.line)
        }
        return batch.count == 0 ? nil : .ndjson(batch)
    }

    static func isBlank(_ l: ArraySlice<UInt8>) -> Bool { l.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } }

    /// Line `n` (its bytes) as a profile, or rejected with the reason.
    static func record(_ bytes: [UInt8], line n: Int, reader: ProfileReader, file: String) -> SourceRecord {
        let node: JSONNode
        do { node = try JSONParser.parse(bytes) } catch {
            return .rejected(line: n, reason: "\(file):\(n):\(error.column): \(error.message)")
        }
        switch reader.read(node, origin: "\(file):\(n)") {
        case .success(let p): return .profile(p)
        case .failure(let d): return .rejected(line: n, reason: d.items.map { relocate($0, n) }.joined(separator: "; "))
        }
    }

    /// A JSON-line diagnostic says line 1 of the object; name the file's line instead.
    static func relocate(_ d: Diagnostic, _ line: Int) -> String {
        var d = d
        let parts = d.location.split(separator: ":")
        if parts.count >= 4 { d.location = parts.dropLast(2).joined(separator: ":") + ":\(parts[parts.count - 1])" }
        return d.description
    }
}

/// NDJSON lines copied out of the reader, with their line numbers, to be parsed on another thread.
public final class NDJSONLineBatch: @unchecked Sendable {
    private var bytes: [UInt8] = []
    private var lines: [(start: Int, end: Int, line: Int)] = []
    let reader: ProfileReader
    let file: String

    init(reader: ProfileReader, file: String) { self.reader = reader; self.file = file }

    public var count: Int { lines.count }

    func append(_ l: ArraySlice<UInt8>, line: Int) {
        let start = bytes.count
        bytes.append(contentsOf: l)
        lines.append((start, bytes.count, line))
    }

    /// Line `k` of the batch, parsed and read.
    func record(_ k: Int) -> SourceRecord {
        let l = lines[k]
        return NDJSONProfileSource.record(Array(bytes[l.start..<l.end]), line: l.line, reader: reader, file: file)
    }
}

/// Profiles from a JSON file holding one profile object or an array of them.
public struct JSONArrayProfileSource: ProfileSource {
    var items: [JSONNode]
    var index = 0
    let reader: ProfileReader
    let file: String
    public let inputSummary: InputSummary?

    public init(path: String, schema: Schema, lang: Lang = .en) throws(Diagnostics) {
        let bytes = try InputFile.bytes(path)
        let root = try InputFile.json(bytes, path: path)
        var digest = InputDigest()
        digest.update(bytes)
        inputSummary = InputSummary(digest: digest.hex(), bytes: bytes.count, lines: bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) })
        items = root.arrayItems ?? [root]
        reader = ProfileReader(schema: schema, lang: lang)
        file = path
    }

    public mutating func next() throws(Diagnostics) -> SourceRecord? {
        guard index < items.count else { return nil }
        let n = items[index]
        index += 1
        switch reader.read(n, origin: file) {
        case .success(let p): return .profile(p)
        case .failure(let d): return .rejected(line: n.line, reason: d.description)
        }
    }
}
