import Testing
@testable import JianfuCore

private func day(_ iso: String) -> Day? { Day(iso: iso) }

@Suite("Calendar")
struct CalendarTests {
    @Test("real calendar dates are accepted", arguments: [
        "2016-02-29", "2000-02-29", "1900-02-28", "2017-12-31", "2017-01-01", "0001-01-01", "9999-12-31",
    ])
    func accepted(_ iso: String) throws {
        let d = try #require(day(iso))
        #expect(d.description == iso)
    }

    @Test("impossible or malformed dates are rejected", arguments: [
        "2017-02-29", "1900-02-29", "2100-02-29", "2017-13-01", "2017-00-10", "2017-04-31", "2017-04-00",
        "0000-01-01", "2017-4-01", "17-04-01", "2017/04/01", "2017-04-01T00:00", " 2017-04-01", "2017-04-0a",
        "", "２０１７-04-01",
    ])
    func rejected(_ iso: String) {
        #expect(day(iso) == nil)
    }

    @Test func dayNumbersCountFromTheUnixEpoch() {
        #expect(day("1970-01-01")?.raw == 0)
        #expect(day("2000-01-01")?.raw == 10_957)  // 30 years with 7 leap days: 30 × 365 + 7
        #expect(day("1969-12-31")?.raw == -1)
    }

    @Test func everyDayFrom1900To2100RoundTrips() throws {
        var d = try #require(day("1900-01-01"))
        let end = try #require(day("2101-01-01"))
        var count = 0
        while d < end {
            let (y, m, dd) = d.components
            #expect(Day(year: y, month: m, day: dd) == d)
            d = d.adding(days: 1)
            count += 1
        }
        // 201 years with 49 leap days, 1904 … 2096 (2000 is one; 1900 and 2100 are not leap years).
        #expect(count == 201 * 365 + 49)
    }

    @Test("adding durations keeps the day of month, clamped to the month's end", arguments: [
        ("2016-02-29", Duration(years: 2), "2018-02-28"),
        ("2016-02-29", Duration(years: 1), "2017-02-28"),
        ("2016-02-29", Duration(years: 4), "2020-02-29"),
        ("2016-02-29", Duration(years: -1), "2015-02-28"),
        ("2017-01-31", Duration(months: 1), "2017-02-28"),
        ("2016-01-31", Duration(months: 1), "2016-02-29"),
        ("2017-03-31", Duration(months: -1), "2017-02-28"),
        ("2017-01-15", Duration(months: -1), "2016-12-15"),
        ("2017-11-30", Duration(months: 3), "2018-02-28"),
        ("2017-12-31", Duration(days: 1), "2018-01-01"),
        ("2017-08-14", Duration(years: 2), "2019-08-14"),
        ("2017-01-31", Duration(years: 1, months: 1, days: 1), "2018-03-01"),
    ])
    func durations(_ from: String, _ d: Duration, _ expected: String) throws {
        let start = try #require(day(from))
        #expect(start.adding(d)?.description == expected)
    }

    @Test func addingPastTheCalendarGivesNil() throws {
        #expect(try #require(day("9999-12-01")).adding(Duration(months: 1)) == nil)
        #expect(try #require(day("0001-01-01")).adding(Duration(months: -1)) == nil)
    }

    @Test("days in a calendar year", arguments: [(2016, 366), (2017, 365), (1900, 365), (2000, 366), (2100, 365)])
    func daysInYear(_ year: Int, _ days: Int) throws {
        #expect(try #require(DayRange.year(year)).dayCount == days)
    }

    @Test func yearRangeIsHalfOpen() throws {
        let y = try #require(DayRange.year(2017))
        #expect(y.start.description == "2017-01-01")
        #expect(y.end.description == "2018-01-01")
        #expect(y.lastDay.description == "2017-12-31")
    }

    @Test func intersectionOfOverlappingRanges() throws {
        // [2017-03-01, 2019-03-01) ∩ [2017-08-14, 2018-01-01) = [2017-08-14, 2018-01-01): 140 days.
        let ew = DayRange(try #require(day("2017-03-01")), try #require(day("2019-03-01")))
        let policy = DayRange(try #require(day("2017-08-14")), try #require(day("2018-01-01")))
        let both = ew.intersection(policy)
        #expect(both == policy)
        #expect(both.dayCount == 140)
        #expect(policy.intersection(ew) == both)
    }

    @Test func touchingAndDisjointRangesIntersectEmpty() throws {
        let jan = DayRange(try #require(day("2017-01-01")), try #require(day("2017-02-01")))
        let feb = DayRange(try #require(day("2017-02-01")), try #require(day("2017-03-01")))
        let mar = DayRange(try #require(day("2017-03-01")), try #require(day("2017-04-01")))
        #expect(jan.intersection(feb).isEmpty)
        #expect(jan.intersection(mar).isEmpty)
        #expect(jan.intersection(mar).dayCount == 0)
        #expect(!jan.isEmpty && jan.dayCount == 31)
    }

    @Test func descriptionsPadYearsAndDurations() {
        #expect(Day(year: 5, month: 1, day: 9)?.description == "0005-01-09")
        #expect(Duration(years: 2).description == "2y")
        #expect(Duration(years: 1, months: 6).description == "1y 6m")
        #expect(Duration().description == "0d")
    }
}

@Suite struct DayAndMoneyTextTests {
    @Test(arguments: [(2017, 8, 14, "2017-08-14"), (2016, 2, 29, "2016-02-29"), (1, 1, 1, "0001-01-01"), (9999, 12, 31, "9999-12-31")])
    func datesAreWrittenAsISO(y: Int, m: Int, d: Int, text: String) throws {
        #expect(try #require(Day(year: y, month: m, day: d)).description == text)
    }

    @Test(arguments: [(Int128(0), "0.00"), (5, "0.05"), (-5, "-0.05"), (123456, "1,234.56"), (100_000_000, "1,000,000.00"),
                      (-99_999_999, "-999,999.99"), (Int128(Int64.max), "92,233,720,368,547,758.07")])
    func moneyIsWrittenWithGroupsAndTwoDecimals(fen: Int128, text: String) {
        #expect(Money.format(fen: fen) == text)
        #expect(Money.plain(fen: fen) == text.replacingOccurrences(of: ",", with: ""))
    }
}
