/// A named set of enterprises a rule covers: regions by GB/T 2260 code prefix, industries by GB/T 4754 section.
public struct Scope: Sendable {
    public var name: String
    /// Code prefixes; empty = any region.
    public var regions: [String]
    /// Section letters; empty = any industry.
    public var sections: [String]
    public var text: Text
}

/// 51号's savings targets, for population reports.
public struct Targets: Sendable {
    public struct Line: Sendable {
        public var text: Text
        public var categories: [String]
        public var amount: Rational
    }
    public var document: String
    public var fromYear: Int
    public var untilYear: Int
    public var total: Rational
    public var lines: [Line]
    /// Categories outside the breakdown, reported on their own line.
    public var outside: [String]
}

/// Scopes, groups, categories, region names and targets shared by all documents.
public struct Catalog: Sendable {
    public var scopes: [String: Scope] = [:]
    public var groups: [(id: String, text: Text)] = []
    public var categories: [(id: String, text: Text)] = []
    public var regions: [String: Text] = [:]
    public var targets: Targets?
    /// Why a clause is not computed: `government_duty`, `procedure`, … (`clause_reasons` in catalog.json).
    public var clauseReasons: [(id: String, text: Text)] = []

    public func categoryText(_ id: String) -> Text { categories.first(where: { $0.id == id })?.text ?? Text(zh: id, en: id) }
    public func groupText(_ id: String) -> Text { groups.first(where: { $0.id == id })?.text ?? Text(zh: id, en: id) }
}

/// A dated parameter: each value holds from its date until the next.
public struct Parameter: Sendable {
    public var name: String
    public var unit: NumUnit
    public var text: Text
    /// Ascending by date.
    public var values: [(from: Day, value: Rational)]
    /// Where each value comes from (文号 and clause, or the national document), one per value.
    public var sources: [String]
    public var file: String

    /// The source of the value that took effect on `from` (the one in force since then).
    public func source(since from: Day) -> String {
        var found = ""
        for (i, v) in values.enumerated() where i < sources.count { if v.from <= from { found = sources[i] } else { break } }
        return found
    }

    /// The value in force on `day`, with the date it took effect.
    public func value(on day: Day) -> (from: Day, value: Rational)? {
        var found: (Day, Rational)?
        for v in values { if v.from <= day { found = (v.from, v.value) } else { break } }
        return found.map { (from: $0.0, value: $0.1) }
    }
}

/// How a rule's annual amount is spread over the evaluated year.
public enum Proration: String, Sendable { case days, months, none }

/// What a rule gives.
public enum BenefitKind: String, Sendable { case cost, liquidity, informational }

/// An expression with its source text and where it sits in the policy file.
public struct Formula: Sendable {
    public var text: String
    public var code: Code
    public var type: VType
    /// `file:line:col` of the JSON string holding the expression.
    public var location: String
    /// Schema slots the expression reads (for explanations and deciding questions).
    public var fields: [Int]
    /// `let` slots the expression reads.
    public var lets: [Int]
    public var expr: Expr
}

/// A named condition of a rule.
public struct Condition: Sendable {
    public var id: String
    public var formula: Formula
    public var text: Text
}

/// A named intermediate value of a rule.
public struct LetBinding: Sendable {
    public var name: String
    public var formula: Formula
    public var text: Text
}

/// One clause of a document, compiled.
public final class Rule: Sendable {
    public let index: Int
    public let id: String
    public let title: Text
    public let category: String
    public let kind: BenefitKind
    public let documentIndex: Int
    public let clause: String
    public let quote: String
    public let scope: Scope
    /// In-force window as written (inclusive dates), `until` nil when open.
    public let windowFrom: Day
    public let windowUntil: Day?
    public let enterpriseWindow: (from: Formula, until: Formula, text: Text)?
    public let cuts: [Formula]
    public let proration: Proration
    public let lets: [LetBinding]
    public let conditions: [Condition]
    /// Low and high ends of the annual saving (the same formula for a single value).
    public let savingLow: Formula?
    public let savingHigh: Formula?
    public let isRange: Bool
    public let amount: Formula?
    public let cap: Formula?
    public let claimRateLow: Formula?
    public let claimRateHigh: Formula?
    public let claimBase: Formula?
    public let group: String?
    public let assumptions: [Text]
    public let note: String?
    /// Parameters the rule reads anywhere (its pieces are cut where one changes).
    public let params: [Int]
    public let file: String
    /// The compiled code of `lets`, `conditions` and the saving, flat, for the evaluation loop.
    let letCodes: [Code]
    let conditionCodes: [Code]
    let lowCode: Code?
    let highCode: Code?
    let amountCode: Code?
    let capCode: Code?
    let windowFromCode: Code?
    let windowUntilCode: Code?
    let cutCodes: [Code]
    /// The scope as bytes: region code prefixes and section letters (compared per profile without Foundation).
    let scopeRegionBytes: [[UInt8]]
    let scopeSectionBytes: [UInt8]

    init(index: Int, id: String, title: Text, category: String, kind: BenefitKind, documentIndex: Int, clause: String, quote: String, scope: Scope, windowFrom: Day, windowUntil: Day?, enterpriseWindow: (from: Formula, until: Formula, text: Text)?, cuts: [Formula], proration: Proration, lets: [LetBinding], conditions: [Condition], savingLow: Formula?, savingHigh: Formula?, isRange: Bool, amount: Formula?, cap: Formula?, claimRateLow: Formula?, claimRateHigh: Formula?, claimBase: Formula?, group: String?, assumptions: [Text], note: String?, params: [Int], file: String) {
        self.index = index
        self.id = id
        self.title = title
        self.category = category
        self.kind = kind
        self.documentIndex = documentIndex
        self.clause = clause
        self.quote = quote
        self.scope = scope
        self.windowFrom = windowFrom
        self.windowUntil = windowUntil
        self.enterpriseWindow = enterpriseWindow
        self.cuts = cuts
        self.proration = proration
        self.lets = lets
        self.conditions = conditions
        self.savingLow = savingLow
        self.savingHigh = savingHigh
        self.isRange = isRange
        self.amount = amount
        self.cap = cap
        self.claimRateLow = claimRateLow
        self.claimRateHigh = claimRateHigh
        self.claimBase = claimBase
        self.group = group
        self.assumptions = assumptions
        self.note = note
        self.params = params
        self.file = file
        letCodes = lets.map(\.formula.code)
        conditionCodes = conditions.map(\.formula.code)
        lowCode = savingLow?.code
        highCode = savingHigh?.code
        amountCode = amount?.code
        capCode = cap?.code
        windowFromCode = enterpriseWindow?.from.code
        windowUntilCode = enterpriseWindow?.until.code
        cutCodes = cuts.map(\.code)
        scopeRegionBytes = scope.regions.map { Array($0.utf8) }
        scopeSectionBytes = scope.sections.compactMap { $0.utf8.first }
    }

    /// The window as a half-open range of days.
    public var window: DayRange {
        DayRange(windowFrom, windowUntil.map { $0.adding(days: 1) } ?? Day(raw: Int32.max / 2))
    }
}

/// A source document (文号) with its rules.
public struct Document: Sendable {
    public var id: String
    public var number: String
    public var title: Text
    public var issuer: Text
    public var issuedOn: Day?
    public var inForceFrom: Day
    public var inForceUntil: Day?
    public var source: String?
    public var file: String
    public var ruleIndices: [Int]
    /// Every numbered clause of the source text, in order, with what the catalog makes of it.
    public var clauses: [DocumentClause] = []
}

/// What the catalog makes of one clause of a document.
public enum ClauseStatus: String, Sendable, CaseIterable {
    /// Rules compute it (the rules citing the clause).
    case encoded
    /// Rules compute part of it; the note says what is left out and why.
    case partly
    /// Nothing to compute: no amount, a duty of the government, a procedure … (the reason says which).
    case notComputable = "not_computable"
    /// Not about enterprises' costs at all.
    case outOfScope = "out_of_scope"
    /// A heading whose sub-clauses carry the statuses.
    case heading
}

public struct DocumentClause: Sendable {
    public var id: String
    public var status: ClauseStatus
    /// A reason id from the catalog's `clause_reasons`.
    public var reason: String?
    public var note: Text?
    /// The rules citing this clause.
    public var rules: [Int]
    /// As the source has it.
    public var source: SourceClause
}

/// Everything loaded from a policy folder, checked and compiled: the only input the engine needs.
public final class PolicySet: Sendable {
    public let directory: String
    public let schema: Schema
    public let catalog: Catalog
    public let parameters: [Parameter]
    public let documents: [Document]
    public let rules: [Rule]
    /// Compiled defaults per schema slot.
    public let defaults: [Formula?]
    /// SHA-256 over the canonical content of the folder (rule-pack version).
    public let hash: String

    /// Each rule's category as an index into `catalog.categories` (the count for an unknown one).
    public let ruleCategoryIndex: [Int]
    /// Each rule's fixed report members, rendered once (see `RuleFragments`).
    let fragments = RuleFragments()
    /// The schema slots the scope test reads, looked up once rather than per check.
    let regionSlot: Int?
    let industrySlot: Int?

    init(directory: String, schema: Schema, catalog: Catalog, parameters: [Parameter], documents: [Document], rules: [Rule], defaults: [Formula?], hash: String) {
        self.directory = directory
        self.schema = schema
        self.catalog = catalog
        self.parameters = parameters
        self.documents = documents
        self.rules = rules
        self.defaults = defaults
        self.hash = hash
        ruleCategoryIndex = rules.map { r in catalog.categories.firstIndex { $0.id == r.category } ?? catalog.categories.count }
        regionSlot = schema.fieldIndex("region_code")
        industrySlot = schema.fieldIndex("industry_code")
    }


    /// The same policy set with other parameter values (a reform).
    func with(parameters: [Parameter]) -> PolicySet {
        PolicySet(directory: self.directory, schema: self.schema, catalog: self.catalog, parameters: parameters, documents: self.documents, rules: self.rules, defaults: self.defaults, hash: self.hash)
    }

    /// The same folder loaded again, when it still has this rule-pack hash: objects of the caller's own, so a
    /// thread that reference-counts them does not contend with other threads (nil if the folder changed).
    func replica() -> PolicySet? {
        guard let p = try? PolicyLoader.load(directory: directory), p.hash == hash else { return nil }
        return p
    }

    public func ruleIndex(_ id: String) -> Int? { rules.firstIndex(where: { $0.id == id }) }
    public func parameterIndex(_ name: String) -> Int? { parameters.firstIndex(where: { $0.name == name }) }
    public func document(of rule: Rule) -> Document { documents[rule.documentIndex] }
}
