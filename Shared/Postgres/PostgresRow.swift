/// The rows a statement returned, in text format, with the number of rows it affected.
public struct PostgresRows: Sendable, RandomAccessCollection {
    /// Column names, in order.
    public let columns: [String]
    /// The number of rows the statement inserted, updated or deleted (0 for other statements).
    public let affectedRows: Int
    let values: [[String?]]

    public var startIndex: Int { values.startIndex }
    public var endIndex: Int { values.endIndex }
    public subscript(position: Int) -> PostgresRow { PostgresRow(columns: columns, values: values[position]) }
}

/// One result row. Values are decoded on access, with errors naming the column.
public struct PostgresRow: Sendable {
    let columns: [String]
    let values: [String?]

    /// Decodes the value at `index` (0-based); throws when it is NULL or not a `Value`.
    public func decode<Value: PostgresDecodable>(_ index: Int, as type: Value.Type = Value.self) throws -> Value {
        guard let value = try decode(index, as: Value?.self) else {
            throw PostgresError(.decoding, message: "column \(columnName(index)) is NULL, expected \(Value.self)")
        }
        return value
    }

    /// Decodes the value at `index`, or nil when it is NULL.
    public func decode<Value: PostgresDecodable>(_ index: Int, as type: Value?.Type) throws -> Value? {
        guard values.indices.contains(index) else {
            throw PostgresError(.decoding, message: "no column at index \(index); the row has \(values.count)")
        }
        guard let text = values[index] else { return nil }
        do {
            return try Value(postgresText: text)
        } catch let error as PostgresError {
            throw PostgresError(.decoding, message: "column \(columnName(index)): \(error.message)")
        }
    }

    /// Decodes the column named `column`; throws when it is missing, NULL or not a `Value`.
    public func decode<Value: PostgresDecodable>(_ column: String, as type: Value.Type = Value.self) throws -> Value {
        try decode(try index(of: column), as: type)
    }

    /// Decodes the column named `column`, or nil when it is NULL.
    public func decode<Value: PostgresDecodable>(_ column: String, as type: Value?.Type) throws -> Value? {
        try decode(try index(of: column), as: type)
    }

    private func index(of column: String) throws -> Int {
        guard let index = columns.firstIndex(of: column) else {
            throw PostgresError(.decoding, message: "no column named \(column); columns are \(columns.joined(separator: ", "))")
        }
        return index
    }

    private func columnName(_ index: Int) -> String {
        columns.indices.contains(index) ? "\(columns[index]) (\(index))" : "\(index)"
    }
}
