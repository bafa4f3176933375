import Foundation

/// JSON for the sealed bodies of topic records: sorted keys, so equal records are equal bytes.
public enum TopicRecordCoding {
    /// `value` as JSON.
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// A `T` from JSON.
    /// - Throws: `MessagingError` naming the type and what did not decode.
    public static func decode<T: Decodable>(_ type: T.Type, from json: [UInt8]) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(json))
        } catch {
            throw MessagingError("not a \(T.self) record: \(error)")
        }
    }
}
