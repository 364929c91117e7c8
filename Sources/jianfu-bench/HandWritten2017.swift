import JianfuCore

// MARK: - the hand-written loop

/// Exact-arithmetic operators on optional rationals: a missing fact (nil) or an overflow propagates as nil, which
/// the loop treats as "not decided", as the engine does with an unknown value.
func * (a: Rational?, b: Rational?) -> Rational? { guard let a, let b else { return nil }; return a.multiplied(by: b) }
func + (a: Rational?, b: Rational?) -> Rational? { guard let a, let b else { return nil }; return a.adding(b) }
func - (a: Rational?, b: Rational?) -> Rational? { guard let a, let b else { return nil }; return a.subtracting(b) }
func / (a: Rational?, b: Rational?) -> Rational? { guard let a, let b, !b.isZero else { return nil }; return a.divided(by: b) }

func q(_ n: Int128, _ d: Int128 = 1) -> Rational { Rational(n, d) ?? .zero }

/// 52号 for 2017 written out by hand: the same rules, parameters, proration, groups (就高不重复) and exact
/// arithmetic as the catalog, rounded to fen once per rule, with no interpreter in between. It reads every fact a
/// rule needs and counts the rule only when all are given, so it agrees with the engine on complete profiles
/// (such as the generator's) and leaves out rules the engine might still decide from partial facts.
struct HandWritten2017 {
    /// Rules of the document, in its order (informational ones included, as they never add to the total).
    static let ruleCount = 28
    static let kinds: [BenefitKind] = [
        .cost, .cost, .cost, .cost, .cost, .cost, .cost, .cost, .cost, .informational, .cost, .cost, .cost, .cost,
        .cost, .liquidity, .cost, .informational, .cost, .liquidity, .cost, .cost, .cost, .cost, .cost, .cost, .cost, .informational,
    ]

    struct Amount {
        var low: Int128
        var high: Int128
        var exactHigh: Rational
    }

    let region, industry, registeredOn, employees, disabledEmployees, totalAssets, payroll, monthlyWages: Int
    let taxableIncome, incomeTaxRate, localAverageWage, employerSIRate, isTechSME, rdExpense, landUseTax: Int
    let storageLandUseTax, taxPerMu, industryTaxPerMu, grade, techInvestment, equipmentInvestment: Int
    let unemploymentBase, unionFeeRemitted, turnoverLoans, guarantees, associationFees, infrastructureFee: Int
    let trademarkClasses, cancelledFees, utilitySurcharge, wallMaterialFund, vat13Sales, subsidy, transferValue: Int
    let lease, riskDeposit, deferral, inDifficulty, restructuringAligned, surveyFees, pileTesting, envMonitoring: Int
    let leaseStart, leaseRent, leasePark, loanAmount, loanDays, guaranteeAmount, guaranteeRate, guaranteeState: Int
    let associationRole, associationFee: Int

    // Days and months of 2017 in each window (2017 has 365 days).
    let fromApril = q(275, 365), fromJuly = q(184, 365), fromAug14 = q(140, 365), wholeYear = q(365, 365)
    let monthsFromAug14 = q(4, 12), monthsFromMay = q(8, 12), monthsFromJuly = q(6, 12)
    let year = DayRange(Day(year: 2017, month: 1, day: 1) ?? Day(raw: 0), Day(year: 2018, month: 1, day: 1) ?? Day(raw: 0))
    let fromAug14Range = DayRange(Day(year: 2017, month: 8, day: 14) ?? Day(raw: 0), Day(year: 2018, month: 1, day: 1) ?? Day(raw: 0))
    let untilMarchRange = DayRange(Day(year: 2017, month: 1, day: 1) ?? Day(raw: 0), Day(year: 2017, month: 4, day: 1) ?? Day(raw: 0))

    // Parameters in force in 2017 (Policies/parameters).
    let disabledRatio = q(15, 1000), exemptMax = q(30), exempt2015Max = q(20), wageCapMultiple = q(3)
    // Differences of two parameters are written as their exact values (600 − 300 元, 13% − 11%, …).
    let trademarkCut = q(300), vatCut = q(2, 100)
    let incomeCeiling = q(500_000), effectiveRate = q(10, 100), industrialMaxEmployees = q(100), industrialMaxAssets = q(30_000_000)
    let otherMaxEmployees = q(80), otherMaxAssets = q(10_000_000), rdRatio = q(75, 100), logisticsRelief = q(50, 100)
    let deedTaxRate = q(3, 100), infrastructureRelief = q(30, 100), serviceFeeCut = q(20, 100), associationThreshold = q(10_000)
    let associationCut = q(50, 100), financingRate = q(435, 10_000), siCap = q(3 * 73_326, 12)
    let unemploymentCut = q(5, 1000), unionFeeRate = q(2, 100), unionUpwardShare = q(40, 100), unionFeeCut = q(20, 100)
    let efficiencyLow = q(30, 100), efficiencyHigh = q(60, 100), ratioLow = q(50, 100), ratioHigh = q(200, 100)
    let newRelief = q(30, 100), upgradeRelief = q(30, 100), minTech = q(5_000_000), minEquipment = q(2_000_000), capShare = q(50, 100)
    let turnover5 = q(4, 100_000), turnover15 = q(6, 100_000), guaranteeCap = q(15, 1000)
    let defaultIncomeTaxRate = q(25, 100), defaultSIRate = q(14, 100)
    let urbanRegions = ["330800", "330802", "330803"]

    init?(schema: Schema) {
        func f(_ name: String) -> Int? { schema.fieldIndex(name) }
        func k(_ field: String, _ key: String) -> Int? {
            guard let spec = schema.field(field) else { return nil }
            return (spec.item ?? spec).keyIndex(key)
        }
        guard let region = f("region_code"), let industry = f("industry_code"), let registeredOn = f("registered_on"),
              let employees = f("employees"), let disabledEmployees = f("disabled_employees"), let totalAssets = f("total_assets"),
              let payroll = f("annual_payroll"), let monthlyWages = f("monthly_wages"), let taxableIncome = f("taxable_income"),
              let incomeTaxRate = f("income_tax_rate"), let localAverageWage = f("local_average_wage"),
              let employerSIRate = f("employer_si_rate"), let isTechSME = f("is_tech_sme"), let rdExpense = f("rd_expense"),
              let landUseTax = f("land_use_tax"), let storageLandUseTax = f("storage_land_use_tax"), let taxPerMu = f("tax_per_mu"),
              let industryTaxPerMu = f("industry_tax_per_mu"), let grade = f("evaluation_grade"),
              let techInvestment = f("tech_upgrade_investment"), let equipmentInvestment = f("zero_land_equipment_investment"),
              let unemploymentBase = f("unemployment_insurance_base"), let unionFeeRemitted = f("union_fee_remitted"),
              let turnoverLoans = f("turnover_loans"), let guarantees = f("guarantees"), let associationFees = f("association_fees"),
              let infrastructureFee = f("infrastructure_fee_standard"), let trademarkClasses = f("trademark_classes"),
              let cancelledFees = f("cancelled_fees_paid"), let utilitySurcharge = f("utility_surcharge_paid"),
              let wallMaterialFund = f("wall_material_fund_paid"), let vat13Sales = f("vat_13_goods_sales"),
              let subsidy = f("nontaxable_subsidy"), let transferValue = f("restructuring_transfer_value"),
              let lease = f("standard_factory_lease"), let riskDeposit = f("safety_risk_deposit"),
              let deferral = f("si_deferral_requested"), let inDifficulty = f("in_difficulty"),
              let restructuringAligned = f("restructuring_aligned"), let surveyFees = f("survey_fees"),
              let pileTesting = f("pile_testing_fees"), let envMonitoring = f("env_monitoring_fees"),
              let leaseStart = k("standard_factory_lease", "start_on"), let leaseRent = k("standard_factory_lease", "annual_rent"),
              let leasePark = k("standard_factory_lease", "park_built"), let loanAmount = k("turnover_loans", "amount"),
              let loanDays = k("turnover_loans", "days"), let guaranteeAmount = k("guarantees", "amount"),
              let guaranteeRate = k("guarantees", "annual_rate"), let guaranteeState = k("guarantees", "state_owned"),
              let associationRole = k("association_fees", "role"), let associationFee = k("association_fees", "annual_fee")
        else { return nil }
        self.region = region; self.industry = industry; self.registeredOn = registeredOn; self.employees = employees
        self.disabledEmployees = disabledEmployees; self.totalAssets = totalAssets; self.payroll = payroll
        self.monthlyWages = monthlyWages; self.taxableIncome = taxableIncome; self.incomeTaxRate = incomeTaxRate
        self.localAverageWage = localAverageWage; self.employerSIRate = employerSIRate; self.isTechSME = isTechSME
        self.rdExpense = rdExpense; self.landUseTax = landUseTax; self.storageLandUseTax = storageLandUseTax
        self.taxPerMu = taxPerMu; self.industryTaxPerMu = industryTaxPerMu; self.grade = grade
        self.techInvestment = techInvestment; self.equipmentInvestment = equipmentInvestment
        self.unemploymentBase = unemploymentBase; self.unionFeeRemitted = unionFeeRemitted; self.turnoverLoans = turnoverLoans
        self.guarantees = guarantees; self.associationFees = associationFees; self.infrastructureFee = infrastructureFee
        self.trademarkClasses = trademarkClasses; self.cancelledFees = cancelledFees; self.utilitySurcharge = utilitySurcharge
        self.wallMaterialFund = wallMaterialFund; self.vat13Sales = vat13Sales; self.subsidy = subsidy
        self.transferValue = transferValue; self.lease = lease; self.riskDeposit = riskDeposit; self.deferral = deferral
        self.inDifficulty = inDifficulty; self.restructuringAligned = restructuringAligned; self.surveyFees = surveyFees
        self.pileTesting = pileTesting; self.envMonitoring = envMonitoring; self.leaseStart = leaseStart
        self.leaseRent = leaseRent; self.leasePark = leasePark; self.loanAmount = loanAmount; self.loanDays = loanDays
        self.guaranteeAmount = guaranteeAmount; self.guaranteeRate = guaranteeRate; self.guaranteeState = guaranteeState
        self.associationRole = associationRole; self.associationFee = associationFee
    }

    // Readers: nil when the fact is missing.
    func number(_ v: FieldValue?) -> Rational? { if case .number(let r)? = v { return r }; return nil }
    func flag(_ v: FieldValue?) -> Bool? { if case .bool(let b)? = v { return b }; return nil }
    func text(_ v: FieldValue?) -> String? { if case .string(let s)? = v { return s }; return nil }
    func day(_ v: FieldValue?) -> Day? { if case .date(let d)? = v { return d }; return nil }
    func key(_ item: FieldValue, _ k: Int) -> FieldValue? {
        if case .record(let keys) = item, k < keys.count { return keys[k] }
        return nil
    }

    /// Rounds an eligible rule's exact saving to fen; nil (not counted) when a fact was missing.
    func grant(_ low: Rational?, _ high: Rational?) -> Amount? {
        guard let low, let high, let lf = low.roundedToFen(), let hf = high.roundedToFen() else { return nil }
        return Amount(low: lf, high: hf, exactHigh: high)
    }

    func grant(_ saving: Rational?) -> Amount? { grant(saving, saving) }

    /// The savings of every rule granted to one profile in 2017, in the document's order (nil: not granted).
    func evaluate(_ p: Profile, into out: inout [Amount?]) {
        for i in out.indices { out[i] = nil }
        let v = p.values
        let regionCode = text(v[region]), section = text(v[industry])?.first.map { String($0).uppercased() }
        // Scopes: the region by code prefix, the industry by GB/T 4754 section (B, C, D are industry).
        let zhejiang = regionCode?.hasPrefix("33") == true
        let urbanIndustrial = regionCode.map { c in urbanRegions.contains { c.hasPrefix($0) } } == true
            && section.map { $0 == "B" || $0 == "C" || $0 == "D" } == true
        let emp = number(v[employees]), disabled = number(v[disabledEmployees]) ?? .zero
        let pay = number(v[payroll]), itr = number(v[incomeTaxRate]) ?? defaultIncomeTaxRate
        let lut = number(v[landUseTax])

        // 二(一) funds abolished from 1 April.
        out[0] = grant((number(v[utilitySurcharge]) + number(v[wallMaterialFund])) * fromApril)

        // 二(二) disabled-employment fund: the shortfall of disabled employees, the fund it would cost.
        let quota = (emp * disabledRatio - disabled).map { max(.zero, $0) }
        let fund: Rational? = quota.flatMap { $0.isZero ? Rational.zero : $0 * (pay / emp) }
        if let e = emp, e <= exemptMax { out[1] = grant(fund * fromApril) }
        if let e = emp, e <= exempt2015Max, let reg = day(v[registeredOn]), let until = reg.adding(Duration(years: 3)) {
            let span = untilMarchRange.intersection(DayRange(reg, until))
            if !span.isEmpty { out[2] = grant(fund * q(Int128(span.dayCount), 365)) }
        }
        if let qv = quota, qv > .zero, let wageBasis = pay / emp, let capWage = wageCapMultiple * number(v[localAverageWage]),
           wageBasis > capWage {
            out[3] = grant((wageBasis - capWage) * qv * fromApril)
        }

        // 二(三) fees, 二(四) VAT from 1 July.
        out[4] = grant((number(v[cancelledFees]) + number(v[trademarkClasses]) * trademarkCut) * fromApril)
        out[5] = grant(number(v[vat13Sales]) * vatCut * fromJuly)

        // 二(五) small low-profit enterprises.
        if let ti = number(v[taxableIncome]), ti > .zero, ti <= incomeCeiling, let e = emp, let assets = number(v[totalAssets]),
           let s = section {
            let small = s == "B" || s == "C" || s == "D" ? e <= industrialMaxEmployees && assets <= industrialMaxAssets
                : e <= otherMaxEmployees && assets <= otherMaxAssets
            if small { out[6] = grant(ti * (itr - effectiveRate).map { max(Rational.zero, $0) } * wholeYear) }
        }

        // 二(六) R&D super-deduction, 二(七) logistics land, 二(八) subsidies, 二(九) deed tax, 二(十) infrastructure fee.
        if flag(v[isTechSME]) == true { out[7] = grant(number(v[rdExpense]) * rdRatio * itr * wholeYear) }
        if section == "G" { out[8] = grant(logisticsRelief * number(v[storageLandUseTax]) * wholeYear) }
        out[10] = grant(number(v[subsidy]) * itr)
        out[11] = grant(number(v[transferValue]) * deedTaxRate)
        if zhejiang { out[12] = grant(infrastructureRelief * number(v[infrastructureFee]) * fromJuly) }

        if urbanIndustrial {
            // 四(二) survey, pile-testing and monitoring fees cut by 20%.
            out[13] = grant(serviceFeeCut * (number(v[surveyFees]) + number(v[pileTesting]) + number(v[envMonitoring])) * fromAug14)
            // 五(二) association fees of presidents and vice presidents at or above the threshold, halved.
            if case .list(let items)? = v[associationFees] {
                var covered: Rational? = .zero, any = false
                for item in items {
                    guard let role = text(key(item, associationRole)), let fee = number(key(item, associationFee)) else { covered = nil; break }
                    if (role == "president" || role == "vice_president") && fee >= associationThreshold { covered = covered + fee; any = true }
                }
                if any, let c = covered { out[14] = grant(associationCut * c * fromAug14) }
            }
            // 五(三) safety risk deposit returned: the financing cost saved.
            out[15] = grant(number(v[riskDeposit]) * financingRate)
            // 六(一) social-insurance base capped at 3 times the provincial average wage (months from September).
            if case .list(let wages)? = v[monthlyWages] {
                var excess: Rational? = .zero, any = false
                for w in wages {
                    guard let wage = number(w) else { excess = nil; break }
                    if wage > siCap { excess = excess + (wage - siCap); any = true }
                }
                if any { out[16] = grant(excess * q(12) * (number(v[employerSIRate]) ?? defaultSIRate) * monthsFromAug14) }
            }
        }
        if zhejiang {
            // 六(三) unemployment insurance rate 1% → 0.5% (months from May); deferral for enterprises in difficulty.
            out[18] = grant((number(v[unemploymentBase]) ?? pay) * unemploymentCut * monthsFromMay)
            if flag(v[inDifficulty]) == true && flag(v[restructuringAligned]) == true { out[19] = grant(number(v[deferral]) * financingRate) }
            // 六(四) union fee remitted upward cut by 20% (months from July).
            let remitted = number(v[unionFeeRemitted]) ?? pay * unionFeeRate * unionUpwardShare
            out[20] = grant(unionFeeCut * remitted * monthsFromJuly)
        }
        guard urbanIndustrial else { return }

        // 七(一) land-use tax: efficiency grades A/B with tax per mu at 50%–200% of the industry's (30%–60%).
        if let g = text(v[grade]), g == "A" || g == "B", let ratio = number(v[taxPerMu]) / number(v[industryTaxPerMu]),
           ratio >= ratioLow, ratio < ratioHigh {
            out[21] = grant(efficiencyLow * lut * fromAug14, efficiencyHigh * lut * fromAug14)
        }
        // New enterprises: 30% within 2 years of registration.
        if let reg = day(v[registeredOn]), let until = reg.adding(Duration(years: 2)) {
            let span = fromAug14Range.intersection(DayRange(reg, until))
            if !span.isEmpty { out[22] = grant(newRelief * lut * q(Int128(span.dayCount), 365)) }
        }
        // Upgrades: 30%, at most half the qualifying investment.
        if let tech = number(v[techInvestment]), let equipment = number(v[equipmentInvestment]), tech >= minTech || equipment >= minEquipment,
           let saving = upgradeRelief * lut * fromAug14, let cap = capShare * ((tech >= minTech ? tech : .zero) + (equipment >= minEquipment ? equipment : .zero)) {
            out[23] = grant(min(saving, cap))
        }
        // 七(二) standard factory rent: free for 3 years, then half for 2, from the lease start.
        if let record = v[lease], let start = day(key(record, leaseStart)), flag(key(record, leasePark)) == true,
           let rent = number(key(record, leaseRent)), let threeYears = start.adding(Duration(years: 3)),
           let fiveYears = start.adding(Duration(years: 5)) {
            let span = fromAug14Range.intersection(DayRange(start, fiveYears))
            if !span.isEmpty {
                var total: Rational? = .zero
                var pieceStart = span.start
                for pieceEnd in [threeYears, span.end] where pieceEnd > pieceStart && pieceEnd <= span.end {
                    let share = pieceStart < threeYears ? Rational.one : q(1, 2)
                    total = total + rent * share * q(Int128(DayRange(pieceStart, pieceEnd).dayCount), 365)
                    pieceStart = pieceEnd
                }
                out[24] = grant(total)
            }
        }
        // 八(一) turnover-loan fees cut for loans of up to 5 and up to 15 days.
        if case .list(let loans)? = v[turnoverLoans] {
            var saving: Rational? = .zero, any = false
            for loan in loans {
                guard let amount = number(key(loan, loanAmount)), let days = number(key(loan, loanDays)) else { saving = nil; break }
                if days <= q(15) { saving = saving + amount * days * (days <= q(5) ? turnover5 : turnover15); any = true }
            }
            if any { out[25] = grant(saving * fromAug14) }
        }
        // 八(二) state guarantors' fees above 1.5% a year.
        if case .list(let items)? = v[guarantees] {
            var saving: Rational? = .zero, any = false
            for g in items {
                guard let state = flag(key(g, guaranteeState)) else { saving = nil; break }
                guard state else { continue }
                any = true
                saving = saving + number(key(g, guaranteeAmount)) * (number(key(g, guaranteeRate)) - guaranteeCap).map { max(.zero, $0) }
            }
            if any { out[26] = grant(saving * fromAug14) }
        }
    }

    /// 就高不重复 within a group: the largest exact high end is granted, ties to the first; the rest are superseded.
    func resolveGroup(_ members: [Int], _ out: inout [Amount?]) {
        var winner: Int?
        for m in members {
            guard let a = out[m] else { continue }
            if let w = winner, let wa = out[w], wa.exactHigh >= a.exactHigh { continue }
            winner = m
        }
        for m in members where m != winner { out[m] = nil }
    }

    func total(_ p: Profile, _ scratch: inout [Amount?]) -> (low: Int128, high: Int128) {
        evaluate(p, into: &scratch)
        resolveGroup([1, 3], &scratch)
        resolveGroup([21, 22, 23], &scratch)
        var low: Int128 = 0, high: Int128 = 0
        for a in scratch { if let a { low += a.low; high += a.high } }
        return (low, high)
    }
}
