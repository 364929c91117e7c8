/// The outcome of one rule for one profile and year.
public enum RuleStatus: String, Sendable, CaseIterable {
    case eligible
    case superseded
    case undetermined
    case ineligible
    case notInForce = "not_in_force"
}

/// Why a rule is ineligible.
public enum Failure: Sendable, Equatable {
    /// The enterprise's region is outside the rule's scope.
    case region(String)
    /// The enterprise's industry section is outside the rule's scope.
    case industry(String)
    /// The enterprise's own window (e.g. 2 years from registration) does not meet the rule's window in the year.
    case enterpriseWindow(DayRange)
    /// A condition (by index) is false.
    case condition(Int)
    /// A list rule with nothing the clause covers (reported through its condition).
    case windowOutsideYear
}

/// One piece of the year as evaluated, for explanations.
public struct PieceTrace: Sendable {
    public var range: DayRange
    public var weight: Rational
    /// Parameter slot → (value, in force since).
    public var params: [(slot: Int, value: Rational, from: Day)]
    public var lets: [Value]
    public var conditions: [Tri]
    public var scope: Tri
    public var enterpriseWindow: Tri
    public var low: Interval?
    public var high: Interval?
    public var amount: Interval?
    /// Whether the piece's conditions hold.
    public var holds: Tri
}

/// Result of one rule: status, saving (fen, rounded half up once), reasons and, when asked, the trace.
public struct RuleResult: Sendable {
    public var rule: Int
    public var status: RuleStatus
    /// Saving in fen (low = high unless the clause gives a range). For superseded rules: what they would have saved.
    public var low: Int128?
    public var high: Int128?
    /// The unrounded high end, for comparing members of an exclusive group.
    public var exactHigh: Rational?
    /// Liquidity rules: the amount refunded or deferred, in fen.
    public var amount: Int128?
    /// Undetermined rules: the most the missing facts could make the saving (nil when unbounded).
    public var possibleHigh: Int128?
    public var failure: Failure?
    /// Facts that would decide an undetermined rule.
    public var missing: [FieldRef] = []
    /// Undefined arithmetic and similar ("industry_tax_per_mu must not be zero").
    public var problems: [String] = []
    /// Fields whose schema default was used.
    public var assumed: [Int] = []
    public var supersededBy: Int?
    /// An undetermined group member that could outrank the granted one.
    public var mayOutrank: Int?
    public var enterpriseWindow: DayRange?
    /// The share of the year the rule covered (sum of piece weights where it held).
    public var share: Rational?
    public var pieces: [PieceTrace] = []
    /// For rules claimable as a rate: the text's rate (low, high) and the base, on the first piece that holds.
    public var rateLow: Rational?
    public var rateHigh: Rational?
    public var rateBase: Rational?
    /// The cap (e.g. 50% of the investment), when the rule has one.
    public var capAmount: Rational?
}
