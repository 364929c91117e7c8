import Foundation  // Data and String(data:encoding:) decode GB18030 cells.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One record from a `CSVReader`: cell bytes are unescaped but still in the file's encoding.
/// It views the reader's buffer, which the reader's next `next()` call overwrites; `copy()` detaches it.
public struct CSVRow {
    let storage: CSVRowStorage

    /// 1-based physical line on which the record starts (quoted line breaks advance later records).
    public var line: Int { storage.line }
    /// Number of cells in the record.
    public var count: Int { storage.spanCount }
    /// The encoding `string(at:)` decodes with.
    public var encoding: CSVEncoding { storage.encoding }

    /// Calls `body` with cell `i`'s bytes without copying; the pointer is valid only inside `body`.
    @inline(__always)
    public func withCell<R, E: Error>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        precondition(i >= 0 && i < storage.spanCount, "cell index out of range")
        let span = storage.spans[i]
        return try body(UnsafeBufferPointer(start: storage.bytes + span.start, count: span.end - span.start))
    }

    /// A copy of cell `i`'s bytes.
    public func bytes(at i: Int) -> [UInt8] {
        withCell(i) { Array($0) }
    }

    /// Whether cell `i` has no bytes (`a,,b` or `""`).
    public func isEmpty(at i: Int) -> Bool {
        precondition(i >= 0 && i < storage.spanCount, "cell index out of range")
        let span = storage.spans[i]
        return span.start == span.end
    }

    /// Cell `i` decoded to a String; throws `CSVError.undecodableCell` for invalid bytes.
    public func string(at i: Int) throws(CSVError) -> String {
        let decoded = withCell(i) { CSVRowStorage.decode($0, encoding: storage.encoding) }
        guard let decoded else {
            throw CSVError.undecodableCell(path: storage.path, line: storage.line, cell: i, encoding: storage.encoding)
        }
        return decoded
    }

    /// All cells decoded; convenient for headers and small files.
    public func strings() throws(CSVError) -> [String] {
        var result: [String] = []
        result.reserveCapacity(count)
        for i in 0..<count {
            result.append(try string(at: i))
        }
        return result
    }

    /// A row with its own storage, unaffected by later `next()` calls.
    public func copy() -> CSVRow {
        let n = storage.spanCount
        var total = 0
        for i in 0..<n { total += storage.spans[i].end - storage.spans[i].start }
        let owned = CSVRowStorage(capacity: max(total, 1), path: storage.path)
        owned.encoding = storage.encoding
        owned.line = storage.line
        while owned.spanCapacity < n { owned.growSpans() }
        var offset = 0
        for i in 0..<n {
            let span = storage.spans[i]
            let length = span.end - span.start
            (owned.bytes + offset).update(from: storage.bytes + span.start, count: length)
            owned.spans[i] = CellSpan(start: offset, end: offset + length, escaped: false)
            offset += length
        }
        owned.spanCount = n
        return CSVRow(storage: owned)
    }
}

/// Byte range of one cell in the buffer; `escaped` marks quoted cells still holding `""` pairs.
struct CellSpan {
    // 32-bit offsets: a span is written by the parser, copied into a batch and read by a worker, per cell.
    private var from: Int32
    private var to: Int32
    var escaped: Bool

    @inline(__always)
    init(start: Int, end: Int, escaped: Bool) {
        from = Int32(truncatingIfNeeded: start); to = Int32(truncatingIfNeeded: end); self.escaped = escaped
    }

    var start: Int { Int(from) }
    var end: Int {
        get { Int(to) }
        set { to = Int32(truncatingIfNeeded: newValue) }
    }
}

/// Buffer and cell spans shared by a reader and the rows it returns; manual memory keeps the hot loop free of
/// copy-on-write and bounds checks, and the class owns the memory so rows stay memory-safe after the reader is gone.
/// Its stored properties skip dynamic exclusivity checks (`@exclusivity(unchecked)`): one thread at a time uses a
/// storage, and the checks cost a few percent of a population run.
final class CSVRowStorage {
    @exclusivity(unchecked) private(set) var bytes: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private(set) var capacity: Int
    @exclusivity(unchecked) private(set) var spans: UnsafeMutablePointer<CellSpan>
    @exclusivity(unchecked) private(set) var spanCapacity: Int
    @exclusivity(unchecked) var spanCount = 0
    @exclusivity(unchecked) var line = 0
    var encoding: CSVEncoding = .utf8
    let path: String
    /// False for a view into memory another object owns (a row of a `CSVRowBatch`).
    private let owns: Bool

    init(capacity: Int, path: String) {
        self.capacity = capacity
        self.bytes = .allocate(capacity: capacity)
        self.spanCapacity = 64
        self.spans = .allocate(capacity: 64)
        self.path = path
        owns = true
    }

    /// A view, pointed at rows with `view(...)`; it must not outlive the memory it views.
    init(viewFor path: String, encoding: CSVEncoding) {
        capacity = 0; spanCapacity = 0
        bytes = UnsafeMutablePointer(bitPattern: 1).unsafelyUnwrapped
        spans = UnsafeMutablePointer(bitPattern: MemoryLayout<CellSpan>.alignment).unsafelyUnwrapped
        self.path = path
        self.encoding = encoding
        owns = false
    }

    /// A view's own spans, for plain records (which a batch keeps without spans): split here; and its own list
    /// of cell indices, for a reader to note cells it leaves for later.
    @exclusivity(unchecked) private var ownSpans: UnsafeMutablePointer<CellSpan>?
    @exclusivity(unchecked) private var ownSpanCapacity = 0
    @exclusivity(unchecked) private var ownMarks: UnsafeMutablePointer<Int32>?
    @exclusivity(unchecked) private var ownMarkCapacity = 0

    /// The view's own span buffer, with room for at least `count` spans (its contents are not kept on growth).
    func spanBuffer(_ count: Int) -> UnsafeMutablePointer<CellSpan> { CSVRowStorage.room(&ownSpans, &ownSpanCapacity, count) }

    /// The view's own list of cell indices, with room for at least `count`.
    func markBuffer(_ count: Int) -> UnsafeMutablePointer<Int32> { CSVRowStorage.room(&ownMarks, &ownMarkCapacity, count) }

    /// `buffer`, reallocated (contents not kept) when it holds fewer than `count`.
    private static func room<T>(_ buffer: inout UnsafeMutablePointer<T>?, _ capacity: inout Int, _ count: Int) -> UnsafeMutablePointer<T> {
        if let own = buffer, capacity >= count { return own }
        buffer?.deallocate()
        capacity = max(64, count * 2)
        let own = UnsafeMutablePointer<T>.allocate(capacity: capacity)
        buffer = own
        return own
    }

    /// Points the view at a plain record (no quotes, no line breaks): its cells are split on commas here.
    func view(plain bytes: UnsafeMutablePointer<UInt8>, count n: Int, line: Int) {
        var cells = 1
        for k in 0..<n where bytes[k] == 0x2C { cells += 1 }
        let out = spanBuffer(cells)
        var from = 0, c = 0
        for k in 0..<n where bytes[k] == 0x2C {
            out[c] = CellSpan(start: from, end: k, escaped: false)
            c += 1
            from = k + 1
        }
        out[c] = CellSpan(start: from, end: n, escaped: false)
        view(bytes: bytes, spans: out, count: cells, line: line)
    }

    func view(bytes: UnsafeMutablePointer<UInt8>, spans: UnsafeMutablePointer<CellSpan>, count: Int, line: Int) {
        self.bytes = bytes; self.spans = spans; spanCount = count; self.line = line
    }

    deinit {
        ownSpans?.deallocate()
        ownMarks?.deallocate()
        guard owns else { return }
        bytes.deallocate()
        spans.deallocate()
    }

    /// Enlarges the byte buffer, keeping its contents; only a record longer than the buffer needs this.
    func grow(to newCapacity: Int) {
        let newBytes = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBytes.update(from: bytes, count: capacity)
        bytes.deallocate()
        bytes = newBytes
        capacity = newCapacity
    }

    /// Doubles the span array, keeping the first `spanCount` spans.
    func growSpans() {
        let newCapacity = spanCapacity * 2
        let newSpans = UnsafeMutablePointer<CellSpan>.allocate(capacity: newCapacity)
        newSpans.initialize(from: spans, count: spanCount)
        spans.deallocate()
        spans = newSpans
        spanCapacity = newCapacity
    }

    /// Foundation's CFStringEncoding for GB18030-2000, which also covers GBK and GB2312 text.
    static let gb18030 = String.Encoding(rawValue: 0x8000_0632)

    /// Decodes cell bytes; nil when they are not valid in `encoding`.
    static func decode(_ buffer: UnsafeBufferPointer<UInt8>, encoding: CSVEncoding) -> String? {
        // Both encodings are ASCII-compatible, and most cells are plain ASCII numbers or codes.
        var high: UInt8 = 0
        for b in buffer { high |= b }
        if high < 0x80 {
            return String(decoding: buffer, as: UTF8.self)
        }
        switch encoding {
        case .utf8:
            return String(validating: buffer, as: UTF8.self)
        case .gb18030:
            return String(data: Data(buffer: buffer), encoding: gb18030)
        }
    }
}

/// Rows copied out of a reader into one buffer, so a batch can be handed to other threads and turned into
/// profiles there. Reading a row costs one copy of its bytes; no allocation per row.
/// One thread at a time fills or reads a batch (it is handed over through a queue), so its stored properties skip
/// dynamic exclusivity checks.
public final class CSVRowBatch: @unchecked Sendable {
    @exclusivity(unchecked) private var bytes: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var byteCapacity: Int
    @exclusivity(unchecked) private var byteCount = 0
    @exclusivity(unchecked) private var spans: UnsafeMutablePointer<CellSpan>
    @exclusivity(unchecked) private var spanCapacity: Int
    @exclusivity(unchecked) private var spanTotal = 0
    /// Per row: first span and number of cells, or for a plain record (kept without spans) its first byte and
    /// byte count; its line.
    @exclusivity(unchecked) private var rows: [(first: Int, count: Int, line: Int, plain: Bool)] = []
    let path: String
    let encoding: CSVEncoding

    /// Where a finished batch goes back to, for the reader to fill again (its memory already touched).
    weak var pool: CSVRowBatchPool?

    init(path: String, encoding: CSVEncoding, capacity: Int, spans spanCapacity: Int = 1024) {
        self.path = path
        self.encoding = encoding
        byteCapacity = max(capacity, 1024)
        bytes = .allocate(capacity: byteCapacity)
        self.spanCapacity = max(spanCapacity, 1024)
        spans = .allocate(capacity: self.spanCapacity)
    }

    /// Hands the batch back to its pool; nothing may read its rows afterwards.
    public func recycle() {
        guard let pool else { return }
        byteCount = 0
        spanTotal = 0
        rows.removeAll(keepingCapacity: true)
        pool.put(self)
    }

    deinit {
        bytes.deallocate()
        spans.deallocate()
    }

    public var count: Int { rows.count }
    /// Bytes held.
    var byteSize: Int { byteCount }

    /// Grows `buffer` (of trivial values) to hold `adding` more after `used`, at least doubling.
    private static func ensure<T>(_ buffer: inout UnsafeMutablePointer<T>, _ capacity: inout Int, used: Int, adding: Int) {
        guard used + adding > capacity else { return }
        let cap = max(capacity * 2, used + adding)
        let grown = UnsafeMutablePointer<T>.allocate(capacity: cap)
        grown.moveInitialize(from: buffer, count: used)
        buffer.deallocate()
        buffer = grown
        capacity = cap
    }

    /// Copies `row` (which the reader will overwrite) into the batch.
    func append(_ row: CSVRow) { append(storage: row.storage) }

    /// Copies the record `st` holds (which the reader will overwrite) into the batch.
    func append(storage st: CSVRowStorage) {
        let n = st.spanCount
        let first = n > 0 ? st.spans[0].start : 0
        let last = n > 0 ? st.spans[n - 1].end : 0
        let length = last - first
        CSVRowBatch.ensure(&bytes, &byteCapacity, used: byteCount, adding: length)
        CSVRowBatch.ensure(&spans, &spanCapacity, used: spanTotal, adding: n)
        (bytes + byteCount).update(from: st.bytes + first, count: length)
        let shift = byteCount - first
        for k in 0..<n {
            let sp = st.spans[k]
            (spans + spanTotal + k).initialize(to: CellSpan(start: sp.start + shift, end: sp.end + shift, escaped: sp.escaped))
        }
        rows.append((spanTotal, n, st.line, false))
        byteCount += length
        spanTotal += n
    }

    /// Copies a plain record (no quotes, no line breaks: `n` bytes at `record`, without its line break) into the
    /// batch, without spans: the thread that reads it splits it.
    func append(plain record: UnsafeMutablePointer<UInt8>, count n: Int, line: Int) {
        CSVRowBatch.ensure(&bytes, &byteCapacity, used: byteCount, adding: n)
        (bytes + byteCount).update(from: record, count: n)
        rows.append((byteCount, n, line, true))
        byteCount += n
    }

    /// Row `k` when it is a plain record: its bytes and line.
    @inline(__always)
    func plain(_ k: Int) -> (bytes: UnsafeMutablePointer<UInt8>, count: Int, line: Int)? {
        let r = rows[k]
        return r.plain ? (bytes + r.first, r.count, r.line) : nil
    }

    /// A view storage for `row(_:in:)`, one per thread.
    func makeView() -> CSVRowStorage { CSVRowStorage(viewFor: path, encoding: encoding) }

    /// Row `k` through `view` (valid until the view is pointed elsewhere; the batch must stay alive).
    func row(_ k: Int, in view: CSVRowStorage) -> CSVRow {
        let r = rows[k]
        if r.plain {
            view.view(plain: bytes + r.first, count: r.count, line: r.line)
        } else {
            view.view(bytes: bytes, spans: spans + r.first, count: r.count, line: r.line)
        }
        return CSVRow(storage: view)
    }
}

/// Batches a CSV source has handed out and the workers have finished, to be filled again: a population run then
/// allocates (and the kernel zero-fills) its batch memory once, not per batch.
final class CSVRowBatchPool: @unchecked Sendable {
    private let free = Mutex<[CSVRowBatch]>([])

    func take() -> CSVRowBatch? { free.withLock { $0.popLast() } }
    func put(_ batch: CSVRowBatch) { free.withLock { $0.append(batch) } }
}
