/// A calendar date as a day number (days since 1970-01-01), proleptic Gregorian.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var raw: Int32

    public init(raw: Int32) { self.raw = raw }

    /// nil when the triple is not a real calendar date.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= Day.daysIn(month: month, year: year) else { return nil }
        raw = Int32(Day.daysFromCivil(year, month, day))
    }

    /// Parses `YYYY-MM-DD` exactly (four-digit year, two-digit month and day).
    public init?(iso text: some StringProtocol) {
        let u = Array(text.utf8)
        guard u.count == 10, u[4] == 45, u[7] == 45 else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r { let c = u[i]; guard c >= 48 && c <= 57 else { return nil }; v = v * 10 + Int(c - 48) }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Parses `YYYY-MM-DD` from ASCII bytes.
    public init?(isoBytes u: UnsafeBufferPointer<UInt8>) {
        guard u.count == 10, u[4] == 45, u[7] == 45 else { return nil }
        // No arrays: this runs for every date cell of a population file.
        func digits(_ from: Int, _ to: Int) -> Int? {
            var v = 0
            for i in from..<to { let c = u[i]; guard c >= 48 && c <= 57 else { return nil }; v = v * 10 + Int(c - 48) }
            return v
        }
        guard let y = digits(0, 4), let m = digits(5, 7), let d = digits(8, 10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func < (a: Day, b: Day) -> Bool { a.raw < b.raw }

    public var components: (year: Int, month: Int, day: Int) { Day.civil(Int(raw)) }
    public var year: Int { components.year }

    public var description: String {
        let (y, m, d) = components
        guard (0...9999).contains(y) else {
            func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
            return String(y) + "-" + two(m) + "-" + two(d)
        }
        // `YYYY-MM-DD` from digits: reports write many dates.
        let digits: [UInt8] = [
            UInt8(0x30 + y / 1000 % 10), UInt8(0x30 + y / 100 % 10), UInt8(0x30 + y / 10 % 10), UInt8(0x30 + y % 10), 0x2D,
            UInt8(0x30 + m / 10), UInt8(0x30 + m % 10), 0x2D, UInt8(0x30 + d / 10), UInt8(0x30 + d % 10),
        ]
        return String(decoding: digits, as: UTF8.self)
    }

    public func adding(days: Int) -> Day { Day(raw: raw + Int32(days)) }

    /// Adds months keeping the day, clamped to the month's end (29 Feb + 12 months = 28 Feb).
    public func adding(months: Int) -> Day? {
        let (y, m, d) = components
        let total = y * 12 + (m - 1) + months
        let ny = total / 12, nm = total % 12 + 1
        guard (1...9999).contains(ny) else { return nil }
        return Day(year: ny, month: nm, day: min(d, Day.daysIn(month: nm, year: ny)))
    }

    public static func firstOf(year: Int) -> Day? { Day(year: year, month: 1, day: 1) }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civil(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

/// A half-open interval of days `[start, end)`.
public struct DayRange: Hashable, Sendable {
    public var start: Day
    public var end: Day

    public init(_ start: Day, _ end: Day) { self.start = start; self.end = end }

    public var isEmpty: Bool { end <= start }
    public var dayCount: Int { max(0, Int(end.raw - start.raw)) }

    public func intersection(_ other: DayRange) -> DayRange {
        DayRange(max(start, other.start), min(end, other.end))
    }

    /// The calendar year as `[1 Jan, 1 Jan next)`.
    public static func year(_ y: Int) -> DayRange? {
        guard let a = Day.firstOf(year: y), let b = Day.firstOf(year: y + 1) else { return nil }
        return DayRange(a, b)
    }

    /// The last day included, for display of inclusive ranges.
    public var lastDay: Day { end.adding(days: -1) }
}

/// A span of time as written in policy text: years, months and days (`2y`).
public struct Duration: Hashable, Sendable, CustomStringConvertible {
    public var years: Int
    public var months: Int
    public var days: Int

    public init(years: Int = 0, months: Int = 0, days: Int = 0) {
        self.years = years; self.months = months; self.days = days
    }

    public var negated: Duration { Duration(years: -years, months: -months, days: -days) }

    public var description: String {
        var parts: [String] = []
        if years != 0 { parts.append("\(years)y") }
        if months != 0 { parts.append("\(months)m") }
        if days != 0 || parts.isEmpty { parts.append("\(days)d") }
        return parts.joined(separator: " ")
    }
}

extension Day {
    /// `date + duration`: years and months keep the day of month (29 Feb → 28 Feb), then days are added.
    public func adding(_ d: Duration) -> Day? {
        guard let m = adding(months: d.years * 12 + d.months) else { return nil }
        return m.adding(days: d.days)
    }
}
