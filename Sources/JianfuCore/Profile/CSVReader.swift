// Streaming RFC 4180 CSV reader for large population files saved by spreadsheets.
//
// Design notes (why it looks the way it does):
// - Files have millions of rows, so the reader never makes a String per cell. It splits
//   records on raw bytes inside one reusable buffer and hands out views into that buffer;
//   callers decode only the cells they need.
// - Splitting on bytes before decoding is safe for both supported encodings: in UTF-8 every
//   byte of a multi-byte character is >= 0x80, and in GB18030/GBK the trail bytes of a
//   multi-byte character are 0x30–0x39 or 0x40–0xFE (never 0x7F), so the bytes of `,` (0x2C),
//   `"` (0x22), CR (0x0D) and LF (0x0A) never occur inside a multi-byte character.
// - When a record is cut by the end of the buffer, the reader moves the unfinished tail to the
//   front, reads more and parses that record again from its start. That costs one re-parse per
//   chunk and keeps the hot loop free of resumable-state bookkeeping.

import Foundation  // Data and String(data:encoding:) decode GB18030 cells.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Which text encoding to read a CSV file in; `.auto` detects UTF-8 (with or without BOM) or GB18030.
public enum TextEncodingChoice: Sendable, Equatable {
    case auto, utf8, gb18030
}

/// The encoding a `CSVReader` actually uses, after auto-detection.
public enum CSVEncoding: Sendable, Equatable, CustomStringConvertible {
    case utf8, gb18030

    /// The encoding's usual name, for messages.
    public var description: String {
        switch self {
        case .utf8: return "UTF-8"
        case .gb18030: return "GB18030"
        }
    }
}

/// Why a CSV file could not be read; every case names the file and, where there is one, the place in it.
public enum CSVError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened (missing, no permission, ...).
    case cannotOpen(path: String, reason: String)
    /// Reading failed after the file was opened (I/O error, a directory, ...).
    case readFailed(path: String, reason: String)
    /// The file starts with a byte-order mark of an encoding we cannot split on bytes (UTF-16/32).
    case unsupportedEncoding(path: String, found: String)
    /// A quoted cell starting on `line` has no closing quote before the end of the file.
    case unterminatedQuote(path: String, line: Int)
    /// Something other than `,` or a line break follows the closing quote of a quoted cell.
    case textAfterClosingQuote(path: String, line: Int, column: Int)
    /// A cell's bytes are not valid text in the file's encoding; `cell` is 0-based.
    case undecodableCell(path: String, line: Int, cell: Int, encoding: CSVEncoding)

    /// A one-line message for the user, starting with `path:line[:column]` like a compiler diagnostic.
    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            return "\(CSVError.display(path)): cannot open: \(reason)"
        case let .readFailed(path, reason):
            return "\(CSVError.display(path)): read failed: \(reason)"
        case let .unsupportedEncoding(path, found):
            return "\(CSVError.display(path)): the file is \(found); save it as UTF-8 or GB18030 (in Excel: CSV UTF-8 or CSV)"
        case let .unterminatedQuote(path, line):
            return "\(CSVError.display(path)):\(line): quoted cell starting on this line has no closing quote"
        case let .textAfterClosingQuote(path, line, column):
            return "\(CSVError.display(path)):\(line):\(column): text after the closing quote of a cell (expected , or end of line)"
        case let .undecodableCell(path, line, cell, encoding):
            let hint = encoding == .utf8 ? " (the file may be GB18030: use --encoding gb18030)" : " (the file may be UTF-8: use --encoding utf8)"
            return "\(CSVError.display(path)):\(line): cell \(cell + 1) is not valid \(encoding)\(hint)"
        }
    }

    /// "-" means standard input; say so rather than printing a bare dash.
    static func display(_ path: String) -> String {
        path == "-" ? "<standard input>" : path
    }
}

/// Reads CSV records one at a time from a file or standard input, with memory bounded by the longest record.
public final class CSVReader {
    /// The path given to `init`; "-" is standard input.
    public let path: String
    /// The encoding cells are decoded with: the chosen one, or what `.auto` detected.
    public private(set) var detectedEncoding: CSVEncoding = .utf8

    private let source: ByteSource
    private let storage: CSVRowStorage
    private let chunkSize: Int
    // One thread reads: the parser's state skips dynamic exclusivity checks.
    @exclusivity(unchecked) private var start = 0  // first byte of the next record in storage.bytes
    @exclusivity(unchecked) private var end = 0  // one past the last byte read into storage.bytes
    @exclusivity(unchecked) private var atEOF = false
    /// Bytes read from the file so far (for progress and ETA).
    public private(set) var bytesRead = 0
    /// The digest of every byte read, for the identity of a shard (`simulate --partial`).
    public private(set) var digest = InputDigest()
    /// What the reader has read: its digest, bytes and physical lines.
    public var summary: InputSummary { InputSummary(digest: digest.hex(), bytes: bytesRead, lines: line - 1) }
    @exclusivity(unchecked) private var line = 1  // physical line on which the next record starts
    /// Bytes from `start` up to here hold no quote and no line break other than LF or CRLF: records wholly
    /// before it are plain (split on commas alone). Recomputed when `start` reaches it and after each refill.
    @exclusivity(unchecked) private var plainUntil = 0

    /// How many leading bytes auto-detection inspects.
    static let detectionWindow = 64 * 1024

    /// Opens `path` ("-" for standard input) and settles the encoding; throws `CSVError`.
    public convenience init(path: String, encoding: TextEncodingChoice = .auto) throws(CSVError) {
        try self.init(path: path, encoding: encoding, chunkSize: 1 << 20)
    }

    /// Like the public init, with the `read(2)` size exposed so tests can force records across chunk edges.
    init(path: String, encoding: TextEncodingChoice, chunkSize: Int) throws(CSVError) {
        precondition(chunkSize > 0, "chunkSize must be positive")
        self.path = path
        self.chunkSize = chunkSize
        self.source = try ByteSource(path: path)
        self.storage = CSVRowStorage(capacity: max(chunkSize, CSVReader.detectionWindow), path: path)
        try detectEncoding(encoding)
    }

    /// Parses the next non-blank record straight into `batch` (no row handed out); false at end of input. A plain
    /// record (no quotes, no line breaks but its own LF or CRLF) is copied with no spans: the thread that reads
    /// it splits it on commas, while it reads its cells.
    func appendNext(to batch: CSVRowBatch) throws(CSVError) -> Bool {
        while true {
            if let (from, to, next) = plainRecord() {
                batch.append(plain: storage.bytes + from, count: to - from, line: line)
                line += 1
                start = next
                return true
            }
            switch try parseRecord() {
            case .record:
                batch.append(storage: storage)
                return true
            case .endOfInput: return false
            case .needMore: try refill()
            }
        }
    }

    /// Returns the next non-blank record, or nil at end of input.
    /// The returned row views storage that the next call overwrites; use `CSVRow.copy()` to keep it.
    public func next() throws(CSVError) -> CSVRow? {
        while true {
            switch try parseRecord() {
            case .record: return CSVRow(storage: storage)
            case .endOfInput: return nil
            case .needMore: try refill()
            }
        }
    }

    // MARK: - Input

    /// The next record's bytes (without its line break) and the start of the one after, when it is plain and
    /// whole in the buffer; nil otherwise (`parseRecord` then reads it: blank lines, quotes, CR alone, a record
    /// the buffer cuts).
    @inline(__always)
    private func plainRecord() -> (Int, Int, Int)? {
        let from = start
        guard from < end else { return nil }
        let base = storage.bytes
        if base[from] == CSVReader.lf || base[from] == CSVReader.cr { return nil }
        if from >= plainUntil { findPlainUntil() }
        let limit = plainUntil
        guard limit > from else { return nil }
        guard let hit = memchr(base + from, Int32(CSVReader.lf), limit - from) else {
            // The last record, with no line break after it.
            return limit == end && atEOF ? (from, end, end) : nil
        }
        let lf = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        let to = lf > from && base[lf - 1] == CSVReader.cr ? lf - 1 : lf
        return (from, to, lf + 1)
    }

    /// Sets `plainUntil`: the first quote after `start`, or CR not followed by LF (or one the buffer cuts).
    private func findPlainUntil() {
        let base = storage.bytes
        var limit = end
        if start < end, let q = memchr(base + start, Int32(CSVReader.quote), end - start) {
            limit = base.distance(to: q.assumingMemoryBound(to: UInt8.self))
        }
        var k = start
        while k < limit, let c = memchr(base + k, Int32(CSVReader.cr), limit - k) {
            let at = base.distance(to: c.assumingMemoryBound(to: UInt8.self))
            if at + 1 < end && base[at + 1] == CSVReader.lf { k = at + 2; continue }
            limit = at
            break
        }
        plainUntil = limit
    }

    /// Moves the unparsed tail to the front, grows the buffer if one record fills it, and reads once.
    private func refill() throws(CSVError) {
        plainUntil = 0
        if start > 0 {
            let base = storage.bytes
            memmove(base, base + start, end - start)  // regions may overlap
            end -= start
            start = 0
        }
        if end == storage.capacity {
            // Cell spans hold 32-bit offsets into the buffer.
            guard storage.capacity <= 1 << 30 else {
                throw CSVError.readFailed(path: path, reason: "a record is longer than 1 GiB")
            }
            storage.grow(to: storage.capacity * 2)
        }
        let n = try source.read(into: storage.bytes + end, count: min(chunkSize, storage.capacity - end))
        if n == 0 { atEOF = true } else {
            digest.update(UnsafeBufferPointer(start: storage.bytes + end, count: n))
            end += n; bytesRead += n
        }
    }

    /// Fills the detection window, handles byte-order marks and picks the encoding.
    private func detectEncoding(_ choice: TextEncodingChoice) throws(CSVError) {
        while end < CSVReader.detectionWindow && !atEOF {
            try refill()
        }
        let b = storage.bytes
        if end >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)) {
            // UTF-16 puts NUL bytes beside every ASCII comma, so byte splitting cannot work.
            throw CSVError.unsupportedEncoding(path: path, found: "UTF-16 (it starts with a UTF-16 byte-order mark)")
        }
        let hasUTF8BOM = end >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF
        switch choice {
        case .utf8:
            detectedEncoding = .utf8
        case .gb18030:
            detectedEncoding = .gb18030
        case .auto:
            if hasUTF8BOM {
                detectedEncoding = .utf8
            } else {
                let window = min(end, CSVReader.detectionWindow)
                // A character cut by the window edge is fine only if the file goes on past it.
                let fileContinues = !atEOF || end > window
                switch UTF8Check.check(UnsafeBufferPointer(start: b, count: window)) {
                case .valid: detectedEncoding = .utf8
                case .truncated: detectedEncoding = fileContinues ? .utf8 : .gb18030
                case .invalid: detectedEncoding = .gb18030
                }
            }
        }
        storage.encoding = detectedEncoding
        if hasUTF8BOM && detectedEncoding == .utf8 {
            start = 3
        }
    }

    // MARK: - Parsing

    private enum ParseOutcome { case record, needMore, endOfInput }

    private static let comma: UInt8 = 0x2C, quote: UInt8 = 0x22, lf: UInt8 = 0x0A, cr: UInt8 = 0x0D

    /// Parses one record starting at `start` into `storage`, skipping blank lines first.
    /// Returns `.needMore` without committing anything when the buffer ends inside the record.
    private func parseRecord() throws(CSVError) -> ParseOutcome {
        let comma = CSVReader.comma, quote = CSVReader.quote, lf = CSVReader.lf, cr = CSVReader.cr
        let base = storage.bytes
        let end = self.end
        let eof = atEOF

        // Blank lines are skipped and committed at once, so a re-parse never revisits them.
        var p = start
        while p < end {
            let b = base[p]
            if b == lf {
                p += 1
            } else if b == cr {
                if p + 1 < end {
                    p += base[p + 1] == lf ? 2 : 1
                } else if eof {
                    p += 1
                } else {
                    return .needMore
                }
            } else {
                break
            }
            line += 1
            start = p
        }
        if p == end { return eof ? .endOfInput : .needMore }

        // Spans live in locals during the loop: class property access in the hot loop is slower.
        var spans = storage.spans
        var spanCapacity = storage.spanCapacity
        var count = 0
        var newlines = 0  // line breaks consumed so far in this record (inside quotes and the terminator)
        var anyEscaped = false

        cellLoop: while true {
            if count == spanCapacity {
                storage.spanCount = count
                storage.growSpans()
                spans = storage.spans
                spanCapacity = storage.spanCapacity
            }
            if p < end && base[p] == quote {
                let cellStartNewlines = newlines
                let contentStart = p + 1
                var q = contentStart
                var escaped = false
                var closing = 0
                while true {
                    // Quoted cells are mostly short (a number with separators): a byte loop, not a memchr call,
                    // and line breaks counted only where there are some.
                    var found = q, sawBreak = false
                    while found < end {
                        let b = base[found]
                        if b == quote { break }
                        if b <= cr && (b == lf || b == cr) { sawBreak = true }
                        found += 1
                    }
                    if sawBreak { newlines += CSVReader.countLineBreaks(base, from: q, to: found) }
                    if found == end {
                        if eof { throw CSVError.unterminatedQuote(path: path, line: line + cellStartNewlines) }
                        return .needMore
                    }
                    if found + 1 < end {
                        if base[found + 1] == quote {
                            escaped = true
                            q = found + 2
                            continue
                        }
                    } else if !eof {
                        return .needMore  // cannot yet tell `"` (closing) from `""` (escaped)
                    }
                    closing = found
                    break
                }
                spans[count] = CellSpan(start: contentStart, end: closing, escaped: escaped)
                count += 1
                anyEscaped = anyEscaped || escaped
                p = closing + 1
                if p == end {
                    if eof { break cellLoop }
                    return .needMore
                }
                let b = base[p]
                if b == comma {
                    p += 1
                    continue cellLoop
                }
                if b == lf || b == cr {
                    guard let after = CSVReader.skipLineBreak(base, at: p, end: end, eof: eof) else { return .needMore }
                    p = after
                    newlines += 1
                    break cellLoop
                }
                throw CSVError.textAfterClosingQuote(
                    path: path, line: line + newlines, column: column(of: p, recordStart: start))
            } else {
                // Unquoted cell. Every delimiter is <= 0x2C, so most bytes (digits, letters,
                // non-ASCII) leave the loop after a single comparison.
                var q = p
                while q < end {
                    let b = base[q]
                    if b > comma { q += 1; continue }
                    // A quote inside an unquoted cell is kept as text (as spreadsheets and Spark read it):
                    // one stray quote must not stop a run of millions of rows.
                    if b == comma || b == lf || b == cr { break }
                    q += 1
                }
                if q == end {
                    if !eof { return .needMore }
                    spans[count] = CellSpan(start: p, end: q, escaped: false)
                    count += 1
                    p = q
                    break cellLoop
                }
                let b = base[q]
                spans[count] = CellSpan(start: p, end: q, escaped: false)
                count += 1
                if b == comma {
                    p = q + 1
                    continue cellLoop
                }
                guard let after = CSVReader.skipLineBreak(base, at: q, end: end, eof: eof) else { return .needMore }
                p = after
                newlines += 1
                break cellLoop
            }
        }

        // The record is complete and will never be re-parsed, so `""` can be collapsed in place.
        if anyEscaped {
            for i in 0..<count where spans[i].escaped {
                var r = spans[i].start
                var w = r
                let e = spans[i].end
                while r < e {
                    let b = base[r]
                    base[w] = b
                    w += 1
                    r += b == quote ? 2 : 1  // inside an escaped cell every quote is doubled
                }
                spans[i].end = w
            }
        }
        storage.spanCount = count
        storage.line = line
        line += newlines
        start = p
        return .record
    }

    /// Line breaks (LF, CRLF, lone CR) inside quoted content; a CR right before `to` counts as lone.
    private static func countLineBreaks(_ base: UnsafeMutablePointer<UInt8>, from: Int, to: Int) -> Int {
        var n = 0
        var i = from
        while i < to {
            let b = base[i]
            if b == lf {
                n += 1
            } else if b == cr && !(i + 1 < to && base[i + 1] == lf) {
                n += 1
            }
            i += 1
        }
        return n
    }

    /// Position after the LF, CRLF or CR at `at`, or nil if a CR ends the buffer and more input may follow.
    @inline(__always)
    private static func skipLineBreak(_ base: UnsafeMutablePointer<UInt8>, at: Int, end: Int, eof: Bool) -> Int? {
        if base[at] == lf { return at + 1 }
        if at + 1 < end { return base[at + 1] == lf ? at + 2 : at + 1 }
        return eof ? at + 1 : nil
    }

    /// 1-based column, in characters, of byte `pos`; only used to build error messages.
    private func column(of pos: Int, recordStart: Int) -> Int {
        let base = storage.bytes
        var lineStart = pos
        while lineStart > recordStart && base[lineStart - 1] != CSVReader.lf && base[lineStart - 1] != CSVReader.cr {
            lineStart -= 1
        }
        let prefix = UnsafeBufferPointer(start: base + lineStart, count: pos - lineStart)
        // Fall back to counting bytes when the prefix does not decode.
        let text = CSVRowStorage.decode(prefix, encoding: detectedEncoding)
        return (text?.count ?? prefix.count) + 1
    }
}
