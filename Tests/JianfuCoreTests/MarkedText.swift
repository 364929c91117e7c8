/// Text with a marker (`1️⃣`) at the spot a diagnostic must point to, after swift-format's `MarkedText`:
/// the marker is removed and its place is kept as a scalar offset and as a line and column (from 1,
/// counting characters, so a Chinese character before the marker counts one).
struct MarkedText {
    static let marker = "1️⃣"

    /// The text without the marker.
    let text: String
    /// Unicode scalars before the marker (the `start` an `ExpressionError` reports).
    let offset: Int
    let line: Int
    let column: Int

    init(_ marked: String) {
        let scalars = Array(marked.unicodeScalars)
        let m = Array(MarkedText.marker.unicodeScalars)
        var at = -1
        if scalars.count >= m.count {
            for i in 0...(scalars.count - m.count) where Array(scalars[i..<(i + m.count)]) == m {
                at = i
                break
            }
        }
        precondition(at >= 0, "no marker in \(marked)")
        var rest = scalars
        rest.removeSubrange(at..<(at + m.count))
        var view = String.UnicodeScalarView()
        view.append(contentsOf: rest)
        text = String(view)
        offset = at
        let before = scalars[..<at]
        line = before.filter { $0 == "\n" }.count + 1
        let lastBreak = before.lastIndex(of: "\n").map { $0 + 1 } ?? 0
        column = at - lastBreak + 1
    }
}
