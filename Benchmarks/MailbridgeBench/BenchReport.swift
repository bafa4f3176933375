import Foundation
import Logging

/// The figures of one benchmark run. Human-readable lines go out as they are measured; the
/// machine-readable `name=value` lines come last, in the order they were recorded, so a script
/// can read them with `grep '^name='`.
struct BenchReport {
    private var figures: [(name: String, value: String)] = []

    /// Records a figure for the final `name=value` block.
    mutating func record(_ name: String, _ value: Double, digits: Int = 1) {
        figures.append((name, String(format: "%.\(digits)f", value)))
    }

    mutating func record(_ name: String, _ value: Int) {
        figures.append((name, String(value)))
    }

    mutating func record(_ name: String, _ value: String) {
        figures.append((name, value))
    }

    /// Prints a human-readable line now.
    func say(_ line: String) {
        print(line)
    }

    /// Prints the `name=value` block.
    func printFigures() {
        print("# results")
        for figure in figures { print("\(figure.name)=\(figure.value)") }
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

/// Percentiles of a set of latencies, nearest-rank.
struct LatencySummary {
    let p50: Duration
    let p99: Duration
    let maximum: Duration

    init(_ samples: [Duration]) {
        let sorted = samples.sorted()
        func rank(_ fraction: Double) -> Duration {
            guard !sorted.isEmpty else { return .zero }
            let index = min(sorted.count - 1, max(0, Int((fraction * Double(sorted.count)).rounded(.up)) - 1))
            return sorted[index]
        }
        p50 = rank(0.50)
        p99 = rank(0.99)
        maximum = sorted.last ?? .zero
    }
}

/// Loggers for the benchmark: to standard error, so they never mix with the figures on standard
/// output, each line stamped with the milliseconds since the first log line (for profiling with
/// `--log-level debug --set debug=…`).
enum BenchLogger {
    static func make(_ label: String, level: Logger.Level = .warning) -> Logger {
        var logger = Logger(label: label) { _ in ElapsedTimeLogHandler() }
        logger.logLevel = level
        return logger
    }
}

/// Writes `+<ms> <level> <message> <metadata>` lines to standard error.
struct ElapsedTimeLogHandler: LogHandler {
    private static let start = ContinuousClock.now
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .warning

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let milliseconds = Self.start.duration(to: .now).seconds * 1000
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let fields = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        FileHandle.standardError.write(Data((String(format: "+%.3f ", milliseconds) + "\(event.level) \(event.message)\(fields)\n").utf8))
    }
}

/// A short suffix that makes a topic or table name unique to this run.
func uniqueRunSuffix() -> String {
    "\(Int(Date().timeIntervalSince1970))_\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
}

/// The median of `values` (the mean of the middle two for an even count; 0 when empty).
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
