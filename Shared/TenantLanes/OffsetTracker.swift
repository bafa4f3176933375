import DequeModule

/// Tracks the offsets of one partition that were handed out, and which of them are done.
///
/// Offsets are submitted in increasing order (as a consumer reads them) but may finish in any
/// order, because different tenants' lanes run concurrently. `committableOffset` is the Kafka
/// commit position: one past the end of the contiguous done prefix.
struct OffsetTracker {
    private var pending: Deque<(offset: Int64, done: Bool)> = []
    /// The next offset to commit, or nil before anything finished.
    private(set) var committableOffset: Int64?

    /// Records that `offset` was handed out. Offsets at or below a previous one are ignored
    /// (a redelivery after a rebalance is tracked by the fresh tracker of the new assignment).
    mutating func submitted(_ offset: Int64) -> Bool {
        if let last = pending.last?.offset, offset <= last { return false }
        if let committableOffset, offset < committableOffset { return false }
        pending.append((offset, false))
        return true
    }

    /// Records that `offset` finished and advances the commit position over the done prefix.
    mutating func finished(_ offset: Int64) {
        guard let index = index(of: offset) else { return }
        pending[index].done = true
        while let first = pending.first, first.done {
            committableOffset = first.offset + 1
            pending.removeFirst()
        }
    }

    /// True when no handed-out offset is still unfinished.
    var isIdle: Bool { pending.isEmpty }

    private func index(of offset: Int64) -> Int? {
        var low = 0
        var high = pending.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let value = pending[middle].offset
            if value == offset { return middle }
            if value < offset { low = middle + 1 } else { high = middle - 1 }
        }
        return nil
    }
}
