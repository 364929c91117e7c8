import Foundation
import Testing
@testable import JianfuCore

/// The word-at-a-time reader of plain decimals (`wordDecimal`) against the byte loop (`plainDecimal`): where it
/// reads a cell, it reads what the byte loop reads, and it ends at the cell's comma.
@Suite struct WordDecimalTests {
    func check(_ cell: String, after: String = ",0,0,0,0,0,0,0,0,0", sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Bool {
        var bytes = Array((cell + after).utf8)
        let n = bytes.count
        let word = bytes.withUnsafeMutableBufferPointer { CSVProfileMapper.wordDecimal($0.baseAddress!, 0, n) }
        let plain = Array(cell.utf8).withUnsafeBufferPointer { CSVProfileMapper.plainDecimal($0) }
        guard let word else { return false }
        #expect(word.end == cell.utf8.count, "\(cell)", sourceLocation: sourceLocation)
        #expect(plain.map { [$0.units, $0.power] } == [word.units, word.power], "\(cell)", sourceLocation: sourceLocation)
        return true
    }

    @Test func readsWhatTheByteLoopReads() {
        // Read a word at a time: up to 8 digits, a dot, up to 8 more.
        for cell in ["0", "7", "10", "12345678", "00012", "1.5", "0.00", "377457.90", "12345678.12345678", "99999999.99999999",
                     "5580192.20", "1.0", "10000000"] {
            #expect(check(cell), "\(cell) is read a word at a time")
        }
        // Left to the byte loop: more digits, no digit before or after the dot, other characters, the last cell.
        for cell in ["123456789", "1.123456789", "", ".5", "1.", "1.2.3", "1e5", "25%", " 7", "7 ", "-3", "x"] {
            #expect(!check(cell), "\(cell) is left to the byte loop")
        }
        #expect(!check("123", after: ""))
        #expect(!check("123.45", after: ",0"))
        // Bytes that are not digits on either side of the digits' range.
        for b: UInt8 in [0x2F, 0x3A, 0x20, 0x00, 0x80, 0xFF] {
            var bytes: [UInt8] = Array("12".utf8) + [b] + Array(",0000000000".utf8)
            let n = bytes.count
            let word = bytes.withUnsafeMutableBufferPointer { CSVProfileMapper.wordDecimal($0.baseAddress!, 0, n) }
            #expect(word == nil, "12 then byte \(b)")
        }
    }

    /// Thousands separators as spreadsheets write them: where `groupedDecimal` reads a cell, `DecimalText` reads
    /// the same value; where `DecimalText` refuses one, so does it.
    @Test func groupedDecimalsReadWhatDecimalTextReads() {
        func grouped(_ s: String) -> (units: Int64, power: Int64)? {
            Array(s.utf8).withUnsafeBufferPointer { CSVProfileMapper.groupedDecimal($0) }
        }
        func general(_ s: String) -> Rational? { DecimalText.parse(s).flatMap { Rational(units: $0.units, scale: $0.scale) } }
        for s in ["1,234", "1,234.5", "12,345,678.90", "-4,377,615.88", "999,999,999,999,999.999", "0,000", "100,000.00"] {
            guard let g = grouped(s) else { Issue.record("\(s) is read by groupedDecimal"); continue }
            #expect(Rational(Int(g.units)).divided(by: Rational(Int(g.power))) == general(s), "\(s)")
        }
        // Left to DecimalText (which reads some of them, refuses others): no separator, bad groups, blanks,
        // signs, a dot with no digits, percentages, exponents, too many digits.
        for s in ["1234", "1,23", "1,2345", "1234,567", ",123", "1,234,", "1,,234", " 1,234", "+1,234", "1,234.", "1,234%",
                  "1,234E2", "1,234.5.6", "1,234,567,890,123,456,789", "-", "1,234-"] {
            #expect(grouped(s) == nil, "\(s)")
        }
        var rng = PopulationGenerator.Random(state: 43)
        for _ in 0..<20_000 {
            let whole = rng.next() % 1_000_000_000_000, cents = rng.next() % 100
            let f = NumberFormatter()
            f.numberStyle = .decimal; f.minimumFractionDigits = 2; f.maximumFractionDigits = 2
            f.locale = Locale(identifier: "en_US")
            let s = (rng.next() % 2 == 0 ? "-" : "") + (f.string(from: NSNumber(value: Double(whole))) ?? "").replacingOccurrences(of: ".00", with: "")
                + (rng.next() % 2 == 0 ? String(format: ".%02d", Int(cents)) : "")
            let g = grouped(s)
            #expect(g.flatMap { Rational(Int($0.units)).divided(by: Rational(Int($0.power))) } == (whole >= 1000 ? general(s) : nil), "\(s)")
        }
    }

    @Test func randomCellsAgree() {
        var rng = PopulationGenerator.Random(state: 41)
        var read = 0
        for _ in 0..<20_000 {
            let digits = Int(rng.next() % 19) + 1
            var cell = (0..<digits).map { _ in String(rng.next() % 10) }.joined()
            if rng.next() % 2 == 0 { cell.insert(".", at: cell.index(cell.startIndex, offsetBy: Int(rng.next() % UInt64(digits + 1)))) }
            if check(cell) { read += 1 }
        }
        #expect(read > 5_000)
    }
}

/// The in-place GB18030 check takes only what Foundation's decoder takes: every pair it accepts decodes to one
/// character, and what it refuses is left to the decoder.
@Suite struct GB18030CheckTests {
    @Test func everyTwoBytePairItTakesDecodes() {
        var taken = 0
        for lead in 0x80...0xFF {
            for trail in 0x00...0xFF {
                let pair: [UInt8] = [UInt8(lead), UInt8(trail)]
                guard pair.withUnsafeBufferPointer({ GB18030Check.isTwoByteText($0) }) else { continue }
                taken += 1
                let decoded = String(data: Data(pair), encoding: CSVRowStorage.gb18030)
                #expect(decoded?.unicodeScalars.count == 1, "\(pair)")
            }
        }
        // 126 leads × 190 trails.
        #expect(taken == 23_940)
        for bytes: [UInt8] in [[0x81], [0x80, 0x40], [0xFF, 0x40], [0x81, 0x30, 0x81, 0x30], [0xC6, 0x20], [0xC6, 0x7F]] {
            #expect(!bytes.withUnsafeBufferPointer { GB18030Check.isTwoByteText($0) }, "\(bytes)")
        }
        #expect(Array("企业1, Ltd.".data(using: CSVRowStorage.gb18030)!).withUnsafeBufferPointer { GB18030Check.isTwoByteText($0) })
    }
}
