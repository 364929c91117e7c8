/// A text table for terminals: every column as wide as its widest cell (East Asian characters count two
/// columns), at least two spaces between neighbours, so two cells never touch whatever their lengths; a
/// heading row on every table. Every text table of the reports is laid out here.
public struct TextTable {
    public enum Align { case left, right }

    public let headings: [String]
    public let aligns: [Align]
    public private(set) var rows: [[String]] = []

    /// Columns as (heading, alignment); numbers align right.
    public init(_ columns: [(String, Align)]) {
        headings = columns.map(\.0); aligns = columns.map(\.1)
    }

    /// Adds a row; missing cells at the end are blank, extra cells are an error of the caller.
    public mutating func add(_ cells: [String]) {
        precondition(cells.count <= headings.count, "a table row has more cells than the table has columns")
        rows.append(cells + Array(repeating: "", count: headings.count - cells.count))
    }

    /// The lines of the table, the heading first, each indented by `indent` spaces, with no trailing spaces.
    public func lines(indent: Int = 2, gap: Int = 2) -> [String] {
        var widths = headings.map(TextWidth.width)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], TextWidth.width(cell)) }
        }
        let pad = String(repeating: " ", count: indent), space = String(repeating: " ", count: gap)
        return ([headings] + rows).map { row in
            var line = pad
            for (i, cell) in row.enumerated() {
                if i > 0 { line += space }
                line += aligns[i] == .left ? TextWidth.padRight(cell, widths[i]) : TextWidth.padLeft(cell, widths[i])
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }
}
