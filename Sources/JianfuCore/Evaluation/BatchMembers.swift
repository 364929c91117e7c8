/// Where one list or record field's members sit for a batch: every row's items in one pool of key values (a
/// record is one item), so loading a row allocates nothing and reading a member is two loads.
struct MemberView {
    /// Items × keys: item `k`'s key `j` at `k * keyCount + j` (a plain list's item is key 0).
    var values: UnsafeMutablePointer<FieldValue?>
    var keyCount: Int
    /// Per item, the keys given (bit `j` for key `j`): a new item clears its bits, not its values. Items of more
    /// than 64 keys clear their values instead.
    var given: UnsafeMutablePointer<UInt64>
    /// Per row: its first item, how many, and whether the field is given at all (a list may be empty).
    var first: UnsafeMutablePointer<Int32>
    var count: UnsafeMutablePointer<Int32>
    var present: UnsafeMutablePointer<UInt8>
    /// Items in use, and room for.
    var used: Int
    var capacity: Int

    @inline(__always)
    func value(item: Int, key: Int) -> FieldValue? {
        // Item -1 stands for the unknown items of a missing list.
        item >= 0 && (keyCount > 64 || given[item] & (1 << UInt64(key)) != 0) ? values[item * keyCount + key] : nil
    }
}

extension BatchMemory {
    /// For each slot, the keys its pool keeps per item: a record's keys, a list item's keys or 1 for a plain
    /// list item, 0 for a scalar field.
    static func memberKeys(_ schema: Schema) -> [Int] {
        schema.fields.map { f in
            switch f.kind {
            case .record: return max(1, f.keys.count)
            case .list:
                guard let item = f.item else { return 1 }
                return item.kind == .record ? max(1, item.keys.count) : 1
            default: return 0
            }
        }
    }

    static func makeView(keyCount: Int, width: Int, items capacity: Int) -> MemberView {
        let values = UnsafeMutablePointer<FieldValue?>.allocate(capacity: capacity * keyCount)
        values.initialize(repeating: nil, count: capacity * keyCount)
        let first = UnsafeMutablePointer<Int32>.allocate(capacity: width); first.initialize(repeating: 0, count: width)
        let count = UnsafeMutablePointer<Int32>.allocate(capacity: width); count.initialize(repeating: 0, count: width)
        let present = UnsafeMutablePointer<UInt8>.allocate(capacity: width); present.initialize(repeating: 0, count: width)
        let given = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity); given.initialize(repeating: 0, count: capacity)
        return MemberView(values: values, keyCount: keyCount, given: given, first: first, count: count, present: present,
                          used: 0, capacity: capacity)
    }

    static func freeView(_ v: MemberView) {
        v.values.deinitialize(count: v.capacity * v.keyCount); v.values.deallocate()
        v.given.deallocate(); v.first.deallocate(); v.count.deallocate(); v.present.deallocate()
    }

    /// Starts row `i`'s members of `slot` (none yet); row 0 starts a new batch and empties the pool.
    @inline(__always)
    func startMembers(_ slot: Int, row i: Int, present: Bool) {
        if i == 0 { members[slot].used = 0 }
        members[slot].first[i] = Int32(members[slot].used)
        members[slot].count[i] = 0
        members[slot].present[i] = present ? 1 : 0
    }

    /// A new item of row `i` in `slot`'s pool, every key missing; its index.
    @inline(__always)
    func appendMember(_ slot: Int, row i: Int) -> Int {
        var v = members[slot]
        if v.used == v.capacity {
            let capacity = v.capacity * 2
            let values = UnsafeMutablePointer<FieldValue?>.allocate(capacity: capacity * v.keyCount)
            values.moveInitialize(from: v.values, count: v.capacity * v.keyCount)
            (values + v.capacity * v.keyCount).initialize(repeating: nil, count: (capacity - v.capacity) * v.keyCount)
            v.values.deallocate()
            v.values = values
            let given = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity)
            given.moveInitialize(from: v.given, count: v.capacity)
            (given + v.capacity).initialize(repeating: 0, count: capacity - v.capacity)
            v.given.deallocate()
            v.given = given
            v.capacity = capacity
        }
        let k = v.used
        if v.keyCount > 64 {
            for j in 0..<v.keyCount { v.values[k * v.keyCount + j] = nil }
        } else {
            v.given[k] = 0
        }
        v.used += 1
        v.count[i] += 1
        members[slot] = v
        return k
    }

    @inline(__always)
    func setMember(_ slot: Int, item: Int, key: Int, _ value: FieldValue) {
        let v = members[slot]
        v.values[item * v.keyCount + key] = value
        if v.keyCount <= 64 { v.given[item] |= 1 << UInt64(key) }
    }

    /// Row `i`'s list or record field `slot` from a profile's value.
    func loadMembers(_ slot: Int, row i: Int, _ value: FieldValue?) {
        switch value {
        case .list(let items)?:
            startMembers(slot, row: i, present: true)
            if items.count > ListWork.countedLength { ListWork.add(items.count) }
            for item in items {
                let k = appendMember(slot, row: i)
                if case .record(let keys) = item {
                    for (j, key) in keys.enumerated() where j < members[slot].keyCount { if let key { setMember(slot, item: k, key: j, key) } }
                } else {
                    setMember(slot, item: k, key: 0, item)
                }
            }
        case .record(let keys)?:
            startMembers(slot, row: i, present: true)
            let k = appendMember(slot, row: i)
            for (j, key) in keys.enumerated() where j < members[slot].keyCount { if let key { setMember(slot, item: k, key: j, key) } }
        default:
            startMembers(slot, row: i, present: false)
        }
    }
}

extension BatchMemory {
    /// Row `i` as a profile, from its registers and pools: every field a rule reads, as it was loaded (fields no
    /// rule reads are left out). What the interval evaluator needs where it must decide a rule.
    func profile(row i: Int, origin: String) -> Profile {
        var p = Profile(fieldCount: fieldCount, origin: origin)
        for slot in usedSlots where reads[slot] { p.values[slot] = value(slot, row: i) }
        for slot in memberSlots { p.values[slot] = value(slot, row: i) }
        return p
    }

    /// Row `i` as a profile of the fields `slots` alone (the others missing).
    func profile(row i: Int, slots: [Int]) -> Profile {
        var p = Profile(fieldCount: fieldCount, origin: "")
        for slot in slots where slot < fieldCount { p.values[slot] = value(slot, row: i) }
        return p
    }

    /// Field `slot` of row `i` as loaded (a scalar from its registers, a list or record from its pool).
    func value(_ slot: Int, row i: Int) -> FieldValue? {
        if case .list = fieldKinds[slot] {} else if case .record = fieldKinds[slot] {} else {
            let at = slot * width + i
            switch kind[at] {
            case Slot.number: return .number(num[at])
            case Slot.yes: return .bool(true)
            case Slot.no: return .bool(false)
            case Slot.date: return .date(Day(raw: day[at]))
            case Slot.text: return text[at].map { .string($0) }
            default: return nil
            }
        }
        let v = members[slot]
        guard v.present[i] != 0 else { return nil }
        let first = Int(v.first[i]), count = Int(v.count[i])
        func record(_ item: Int) -> FieldValue { .record((0..<v.keyCount).map { v.value(item: item, key: $0) }) }
        if case .list = fieldKinds[slot] {
            return .list((first..<(first + count)).compactMap { k in itemIsRecord[slot] ? record(k) : v.value(item: k, key: 0) })
        }
        return count > 0 ? record(first) : nil
    }
}
