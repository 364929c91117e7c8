import Foundation
import Testing
@testable import JianfuCore

/// Writes `bytes` to a fresh temporary file and returns its path; each test gets its own file.
private func temporaryFile(_ bytes: [UInt8]) throws -> String {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("csvreader-test-\(UUID().uuidString).csv")
    try Data(bytes).write(to: url)
    return url.path
}

private func temporaryFile(_ text: String) throws -> String {
    try temporaryFile(Array(text.utf8))
}

/// Reads every record as (line, cells); small chunk sizes exercise records cut by buffer edges.
private func readAll(
    _ path: String, encoding: TextEncodingChoice = .auto, chunkSize: Int = 1 << 20
) throws -> [(line: Int, cells: [String])] {
    let reader = try CSVReader(path: path, encoding: encoding, chunkSize: chunkSize)
    var rows: [(line: Int, cells: [String])] = []
    while let row = try reader.next() {
        rows.append((row.line, try row.strings()))
    }
    return rows
}

/// Reads every record as `appendNext` puts it into batches (plain records without spans, split when read);
/// also how many were plain.
private func readAllBatched(
    _ path: String, chunkSize: Int
) throws -> (rows: [(line: Int, cells: [String])], plain: Int) {
    let reader = try CSVReader(path: path, encoding: .auto, chunkSize: chunkSize)
    var rows: [(line: Int, cells: [String])] = []
    var plain = 0
    while true {
        // Small batches: records land at every place of a batch.
        let batch = CSVRowBatch(path: path, encoding: reader.detectedEncoding, capacity: 16)
        var more = true
        while batch.count < 3, more { more = try reader.appendNext(to: batch) }
        let view = batch.makeView()
        for k in 0..<batch.count {
            if batch.plain(k) != nil { plain += 1 }
            let row = batch.row(k, in: view)
            rows.append((row.line, try row.strings()))
        }
        if !more { return (rows, plain) }
    }
}

private func cells(_ rows: [(line: Int, cells: [String])]) -> [[String]] { rows.map(\.cells) }
private func lines(_ rows: [(line: Int, cells: [String])]) -> [Int] { rows.map(\.line) }

/// The GB18030 bytes of `在职职工人数,区域`, from Python's `'在职职工人数,区域'.encode('gb18030')`.
private let gbHeader: [UInt8] = [
    0xD4, 0xDA, 0xD6, 0xB0, 0xD6, 0xB0, 0xB9, 0xA4, 0xC8, 0xCB, 0xCA, 0xFD, 0x2C, 0xC7, 0xF8, 0xD3, 0xF2,
]

@Suite("CSVReader")
struct CSVReaderTests {
    @Test("LF, CRLF, lone CR and mixed line endings", arguments: [
        "a,b\n1,2\n3,4\n",
        "a,b\r\n1,2\r\n3,4\r\n",
        "a,b\r\n1,2\n3,4\r\n",
        "a,b\r1,2\r3,4\r",
        "a,b\n1,2\r\n3,4",  // last line without a newline
    ])
    func lineEndings(_ text: String) throws {
        let rows = try readAll(try temporaryFile(text))
        #expect(cells(rows) == [["a", "b"], ["1", "2"], ["3", "4"]])
        #expect(lines(rows) == [1, 2, 3])
    }

    @Test func blankLinesAreSkippedButCounted() throws {
        let rows = try readAll(try temporaryFile("\n\na,b\n\r\n\n1,2\n\n"))
        #expect(cells(rows) == [["a", "b"], ["1", "2"]])
        #expect(lines(rows) == [3, 6])
    }

    @Test func emptyCellsAndTrailingComma() throws {
        let path = try temporaryFile("a,,c\n,\n\"\"\nx,")
        let rows = try readAll(path)
        #expect(cells(rows) == [["a", "", "c"], ["", ""], [""], ["x", ""]])
        let reader = try CSVReader(path: path)
        let first = try #require(try reader.next())
        #expect(first.count == 3)
        #expect(first.isEmpty(at: 1))
        #expect(!first.isEmpty(at: 0))
    }

    @Test func utf8ByteOrderMarkIsSkipped() throws {
        let path = try temporaryFile([0xEF, 0xBB, 0xBF] + Array("名称,数量\n甲,1\n".utf8))
        let reader = try CSVReader(path: path)
        #expect(reader.detectedEncoding == .utf8)
        let header = try #require(try reader.next())
        #expect(try header.strings() == ["名称", "数量"])
        #expect(header.bytes(at: 0) == Array("名称".utf8))
    }

    @Test func utf8ByteOrderMarkWithExplicitUTF8() throws {
        let rows = try readAll(try temporaryFile([0xEF, 0xBB, 0xBF] + Array("a\n".utf8)), encoding: .utf8)
        #expect(cells(rows) == [["a"]])
    }

    @Test("UTF-16 byte-order marks are refused", arguments: [[UInt8(0xFF), 0xFE, 0x61, 0x00], [0xFE, 0xFF, 0x00, 0x61]])
    func utf16Refused(_ bytes: [UInt8]) throws {
        let path = try temporaryFile(bytes)
        #expect(throws: CSVError.self) { try CSVReader(path: path) }
        do {
            _ = try CSVReader(path: path)
        } catch {
            #expect(error.description.contains("UTF-8 or GB18030"))
        }
    }

    @Test func quotedCommasQuotesAndNewlines() throws {
        let text = "id,note\n1,\"a, b\"\n2,\"say \"\"hi\"\"\"\n3,\"two\nlines\"\n4,\"three\r\nline\rbreaks\"\n5,end\n"
        let rows = try readAll(try temporaryFile(text))
        #expect(cells(rows) == [
            ["id", "note"], ["1", "a, b"], ["2", "say \"hi\""], ["3", "two\nlines"],
            ["4", "three\r\nline\rbreaks"], ["5", "end"],
        ])
        // Record "3" spans lines 4-5 and record "4" lines 6-8 (CRLF and lone CR each count once).
        #expect(lines(rows) == [1, 2, 3, 4, 6, 9])
    }

    @Test func quotedCellsAtEveryPosition() throws {
        let rows = try readAll(try temporaryFile("\"\"\"\",\"x\"\"\",\"\"\r\n\"a\"\r\n\"b\""))
        #expect(cells(rows) == [["\"", "x\"", ""], ["a"], ["b"]])
        #expect(lines(rows) == [1, 2, 3])
    }

    @Test func gb18030HeaderDecodes() throws {
        let path = try temporaryFile(gbHeader + [0x0A] + Array("12,3\n".utf8))
        let reader = try CSVReader(path: path, encoding: .gb18030)
        #expect(reader.detectedEncoding == .gb18030)
        let header = try #require(try reader.next())
        #expect(try header.strings() == ["在职职工人数", "区域"])
        #expect(header.bytes(at: 1) == [0xC7, 0xF8, 0xD3, 0xF2])
        let data = try #require(try reader.next())
        #expect(try data.strings() == ["12", "3"])
    }

    @Test func autoDetectsGB18030() throws {
        let rows = try readAll(try temporaryFile(gbHeader + [0x0D, 0x0A]))
        #expect(cells(rows) == [["在职职工人数", "区域"]])
        #expect(try CSVReader(path: try temporaryFile(gbHeader)).detectedEncoding == .gb18030)
    }

    @Test func autoDetectsUTF8WithoutBOM() throws {
        let path = try temporaryFile("在职职工人数,区域\n")
        let reader = try CSVReader(path: path)
        #expect(reader.detectedEncoding == .utf8)
        #expect(try reader.next()?.strings() == ["在职职工人数", "区域"])
    }

    @Test func autoDetectsPlainASCIIAsUTF8() throws {
        #expect(try CSVReader(path: try temporaryFile("a,b\n")).detectedEncoding == .utf8)
    }

    @Test func characterCutAtDetectionWindowStillUTF8() throws {
        // "中" is 3 bytes; place it so the 64 KiB window ends after its first byte.
        let padding = [UInt8](repeating: 0x61, count: CSVReader.detectionWindow - 1)
        let path = try temporaryFile(padding + Array("中\n".utf8))
        let reader = try CSVReader(path: path, encoding: .auto, chunkSize: 4096)
        #expect(reader.detectedEncoding == .utf8)
        let row = try #require(try reader.next())
        #expect(try row.string(at: 0).hasSuffix("a中"))
    }

    @Test func truncatedCharacterAtEndOfSmallFileIsNotUTF8() throws {
        #expect(try CSVReader(path: try temporaryFile([0x61, 0xE4, 0xB8])).detectedEncoding == .gb18030)
    }

    @Test func utf8ValidatorRejectsOverlongAndSurrogates() {
        func check(_ bytes: [UInt8]) -> UTF8Check.Result { bytes.withUnsafeBufferPointer { UTF8Check.check($0) } }
        #expect(check(Array("ok 中文 😀".utf8)) == .valid)
        #expect(check([0xC0, 0xAF]) == .invalid)  // overlong '/'
        #expect(check([0xED, 0xA0, 0x80]) == .invalid)  // UTF-16 surrogate
        #expect(check([0xF4, 0x90, 0x80, 0x80]) == .invalid)  // above U+10FFFF
        #expect(check([0x61, 0xF0, 0x9F]) == .truncated)
        #expect(check([0xE4, 0x41, 0x41]) == .invalid)
    }

    @Test func invalidUTF8CellNamesLineAndCell() throws {
        let path = try temporaryFile(Array("a,b\n".utf8) + [0x31, 0x2C, 0xFF, 0x0A])
        let reader = try CSVReader(path: path, encoding: .utf8)
        _ = try reader.next()
        let row = try #require(try reader.next())
        #expect(try row.string(at: 0) == "1")
        #expect(throws: CSVError.undecodableCell(path: path, line: 2, cell: 1, encoding: .utf8)) {
            try row.string(at: 1)
        }
    }

    @Test func invalidGB18030CellNamesLineAndCell() throws {
        let path = try temporaryFile(Array("x\n".utf8) + [0xD4, 0x0A])  // lead byte with no trail byte
        let reader = try CSVReader(path: path, encoding: .gb18030)
        _ = try reader.next()
        let row = try #require(try reader.next())
        #expect(throws: CSVError.undecodableCell(path: path, line: 2, cell: 0, encoding: .gb18030)) {
            try row.string(at: 0)
        }
    }

    @Test func unterminatedQuoteNamesStartLine() throws {
        let path = try temporaryFile("a,b\n1,2\n3,\"open\nstill open\n")
        #expect(throws: CSVError.unterminatedQuote(path: path, line: 3)) { try readAll(path) }
        #expect(throws: CSVError.unterminatedQuote(path: path, line: 3)) { try readAll(path, chunkSize: 3) }
    }

    @Test func quoteInsideUnquotedCellIsKeptAsText() throws {
        // Lenient like spreadsheets and Spark: one stray quote must not stop a population run.
        let path = try temporaryFile("a,b\n\"x\ny\",ab\"c\n名称,数\"量\n")
        let reader = try CSVReader(path: path)
        _ = try reader.next()
        let row = try #require(try reader.next())
        #expect(try row.strings() == ["x\ny", "ab\"c"])
        let row2 = try #require(try reader.next())
        #expect(try row2.strings() == ["名称", "数\"量"])
    }

    @Test func textAfterClosingQuote() throws {
        let path = try temporaryFile("\"ab\"c,d\n")
        #expect(throws: CSVError.textAfterClosingQuote(path: path, line: 1, column: 5)) { try readAll(path) }
    }

    @Test func emptyFileHasNoRows() throws {
        #expect(try readAll(try temporaryFile([])).isEmpty)
        #expect(try readAll(try temporaryFile("\n\r\n")).isEmpty)
        #expect(try readAll(try temporaryFile([0xEF, 0xBB, 0xBF])).isEmpty)
    }

    @Test func missingFileNamesPath() throws {
        let path = "/nonexistent/dir/file.csv"
        do {
            _ = try CSVReader(path: path)
            Issue.record("expected an error")
        } catch {
            guard case .cannotOpen(let p, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(p == path)
            #expect(error.description.hasPrefix(path))
        }
    }

    @Test func readsStandardInput() throws {
        // Temporarily point descriptor 0 at a file; no other test touches standard input.
        let path = try temporaryFile("a,b\n1,2\n")
        let file = open(path, O_RDONLY)
        let saved = dup(STDIN_FILENO)
        #expect(file >= 0 && saved >= 0)
        dup2(file, STDIN_FILENO)
        defer {
            dup2(saved, STDIN_FILENO)
            close(saved)
            close(file)
        }
        let rows = try readAll("-")
        #expect(cells(rows) == [["a", "b"], ["1", "2"]])
        #expect(CSVError.unterminatedQuote(path: "-", line: 1).description.hasPrefix("<standard input>:1:"))
    }

    @Test func directoryIsReported() throws {
        #expect(throws: CSVError.self) { try CSVReader(path: FileManager.default.temporaryDirectory.path) }
    }

    @Test func copySurvivesNextCall() throws {
        let reader = try CSVReader(path: try temporaryFile("first,\"x\"\"y\"\nsecond,z\n"))
        let first = try #require(try reader.next()).copy()
        let second = try #require(try reader.next())
        #expect(try first.strings() == ["first", "x\"y"])
        #expect(first.line == 1)
        #expect(try second.strings() == ["second", "z"])
        #expect(try reader.next() == nil)
    }

    @Test func manyCellsGrowSpanStorage() throws {
        let wide = (0..<500).map(String.init)
        let rows = try readAll(try temporaryFile(wide.joined(separator: ",") + "\n"))
        #expect(cells(rows) == [wide])
    }

    @Test func largeFileWithSmallChunks() throws {
        // About 200 kB of records with quotes, escaped quotes, embedded newlines and GB-free UTF-8,
        // read with chunk sizes that leave records (and CRLF pairs) cut at buffer edges.
        var text = ""
        var expected: [(line: Int, cells: [String])] = []
        var line = 1
        var i = 0
        while text.utf8.count < 200_000 {
            let note = i % 7 == 0 ? "multi\nline \"\(i)\"" : (i % 5 == 0 ? "comma, \(i)" : "名\(i)")
            let quoted = "\"" + note.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            let ending = i % 3 == 0 ? "\r\n" : "\n"
            text += "\(i),\(quoted),\(i * 37 % 1000)\(ending)"
            expected.append((line, [String(i), note, String(i * 37 % 1000)]))
            line += 1 + note.filter { $0 == "\n" }.count
            i += 1
        }
        let path = try temporaryFile(text)
        for chunkSize in [1, 7, 4096, 1 << 20] {
            let rows = try readAll(path, chunkSize: chunkSize)
            #expect(rows.count == expected.count, "chunk \(chunkSize)")
            #expect(cells(rows) == cells(expected), "chunk \(chunkSize)")
            #expect(lines(rows) == lines(expected), "chunk \(chunkSize)")
        }
    }

    /// Batches (which keep plain records unsplit) hold what `next` reads, cell for cell and line for line, with
    /// records cut at every buffer edge.
    @Test("batches read what next() reads", arguments: [
        "a,b\n1,2\n3,4\n",
        "a,b\r\n1,2\r\n3,4\r\n",
        "a,b\r\n1,2\n3,4\r\n",
        "a,b\r1,2\r3,4\r",
        "a,b\n1,2\r\n3,4",
        "a,b\r\n1,2\r\n3,4\r",
        "\n\na,b\n\r\n\n1,2\n\n",
        "a,,c\n,\n\"\"\nx,",
        "\u{FEFF}名,b\r\n1,2\r\n",
        "a,b\n1,\"x\ny\"\n3,4\n5,\"\"\"q\"\n6,7\n",
        "a,b\n1,x\"y\n2,3\n",
        "a,b\n1,2\r3,4\n5,6\n",
        "a,b,c\n1,2\n3,4,5,6\n7,8,9",
    ])
    func batchesReadWhatNextReads(_ text: String) throws {
        let path = try temporaryFile(text)
        for chunkSize in [1, 2, 3, 5, 8, 1 << 20] {
            let expected = try readAll(path, chunkSize: chunkSize)
            let got = try readAllBatched(path, chunkSize: chunkSize)
            #expect(cells(got.rows) == cells(expected), "chunk \(chunkSize)")
            #expect(lines(got.rows) == lines(expected), "chunk \(chunkSize)")
        }
    }

    @Test func plainRecordsAreKeptUnsplitAmongQuotedOnes() throws {
        // Every fifth record has a quoted cell (every tenth across two lines); the others are plain.
        var text = "id,note,n\r\n"
        var expected: [(line: Int, cells: [String])] = [(1, ["id", "note", "n"])]
        var line = 2
        for i in 0..<2_000 {
            let note = i % 10 == 0 ? "a\nb" : (i % 5 == 0 ? "x,\"y\"" : "名\(i)")
            let cell = i % 5 == 0 ? "\"" + note.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : note
            text += "\(i),\(cell),\(i * 7)" + (i % 2 == 0 ? "\r\n" : "\n")
            expected.append((line, [String(i), note, String(i * 7)]))
            line += i % 10 == 0 ? 2 : 1
        }
        let path = try temporaryFile(text)
        for chunkSize in [7, 4096, 1 << 20] {
            let got = try readAllBatched(path, chunkSize: chunkSize)
            #expect(cells(got.rows) == cells(expected), "chunk \(chunkSize)")
            #expect(lines(got.rows) == lines(expected), "chunk \(chunkSize)")
            // The header and 4 of 5 records are plain, but for those a small buffer cuts.
            #expect(got.plain > (chunkSize > 4096 ? 1_600 : 1_000), "chunk \(chunkSize): \(got.plain) plain")
        }
    }

    @Test func recordLongerThanBufferGrowsIt() throws {
        let long = String(repeating: "x", count: 300_000)
        let rows = try readAll(try temporaryFile("a,\"\(long)\"\nb,c\n"), chunkSize: 1000)
        #expect(cells(rows) == [["a", long], ["b", "c"]])
    }
}
