import Foundation
import Postgres
import Testing

@Suite("Postgres queries")
struct PostgresQueryTests {
    @Test("identifiers are quoted so they cannot end early")
    func identifierQuoting() {
        let query: PostgresQuery = "SELECT * FROM \(identifier: #"evil"; DROP TABLE x; --"#)"
        #expect(query.sql == #"SELECT * FROM "evil""; DROP TABLE x; --""#)
        #expect(query.binds.isEmpty)
    }

    @Test("interpolated values become parameters, never SQL text")
    func interpolationBinds() {
        let name = "Robert'); DROP TABLE students;--"
        let query: PostgresQuery = "SELECT * FROM t WHERE name = \(name) AND id = \(42) AND note = \(String?.none)"
        #expect(query.sql == "SELECT * FROM t WHERE name = $1 AND id = $2 AND note = $3")
        #expect(query.binds == [name, "42", nil])
        #expect(!query.description.contains("Robert"))
    }

    @Test("values round-trip through the server with their types")
    func typesRoundTrip() async throws {
        let pool = try makeTestPool()
        let id = UUID()
        let date = Date(timeIntervalSince1970: 1_764_379_516.123456)
        let bytes = PostgresBytes([0, 1, 127, 128, 255])
        let hostile = "it's \"quoted\" \\ and ünïcödé ✉️"
        let rows = try await pool.query(
            """
            SELECT \(hostile)::text AS text, \(Int64.max)::bigint AS big, \(Int32(-7))::int AS small,
                   \(true)::boolean AS flag, \(3.5)::double precision AS real, \(id)::uuid AS id,
                   \(date)::timestamptz AS at, \(bytes)::bytea AS bytes, NULL::text AS nothing
            """)
        let row = try #require(rows.first)
        #expect(try row.decode("text", as: String.self) == hostile)
        #expect(try row.decode("big", as: Int64.self) == Int64.max)
        #expect(try row.decode("small", as: Int32.self) == -7)
        #expect(try row.decode("flag", as: Bool.self))
        #expect(try row.decode("real", as: Double.self) == 3.5)
        #expect(try row.decode("id", as: UUID.self) == id)
        #expect(abs(try row.decode("at", as: Date.self).timeIntervalSince(date)) < 0.000_001)
        #expect(try row.decode("bytes", as: PostgresBytes.self) == bytes)
        #expect(try row.decode("nothing", as: String?.self) == nil)
        await pool.close()
    }

    @Test("decoding errors name the column and the expected type")
    func decodingErrors() async throws {
        let pool = try makeTestPool()
        let row = try #require(try await pool.query("SELECT 'abc'::text AS word, NULL::int AS missing").first)
        #expect { try row.decode("word", as: Int.self) } throws: { error in
            "\(error)".contains("word")
        }
        #expect { try row.decode("missing", as: Int.self) } throws: { error in
            "\(error)".contains("missing") && "\(error)".contains("NULL")
        }
        #expect { try row.decode("nope", as: Int.self) } throws: { error in
            "\(error)".contains("nope")
        }
        await pool.close()
    }

    @Test("server errors carry the SQLSTATE")
    func sqlStateErrors() async throws {
        let pool = try makeTestPool()
        let table = uniqueTable("unique")
        try await pool.withConnection { connection in
            try await connection.query("CREATE TABLE \(identifier: table) (id int PRIMARY KEY)")
            try await connection.query("INSERT INTO \(identifier: table) VALUES (\(1))")
            do {
                try await connection.query("INSERT INTO \(identifier: table) VALUES (\(1))")
                Issue.record("a duplicate key was accepted")
            } catch let error as PostgresError {
                #expect(error.sqlState == "23505")
                #expect(error.isUniqueViolation)
                #expect(!error.isRetriable)
            }
            do {
                try await connection.query("SELECT * FROM no_such_table_anywhere")
                Issue.record("a missing table was accepted")
            } catch let error as PostgresError {
                #expect(error.sqlState == "42P01")
            }
        }
        await pool.close()
    }

    @Test("a transaction commits on success and rolls back on error")
    func transactions() async throws {
        let pool = try makeTestPool()
        let table = uniqueTable("tx")
        try await pool.withConnection { try await $0.query("CREATE TABLE \(identifier: table) (id int PRIMARY KEY)") }
        try await pool.withTransaction { transaction in
            try await transaction.query("INSERT INTO \(identifier: table) VALUES (\(1))")
        }
        struct Abort: Error {}
        await #expect(throws: Abort.self) {
            try await pool.withTransaction { transaction in
                try await transaction.query("INSERT INTO \(identifier: table) VALUES (\(2))")
                throw Abort()
            }
        }
        let count = try await pool.query("SELECT count(*) FROM \(identifier: table)").first!.decode(0, as: Int.self)
        #expect(count == 1)
        // The connection that rolled back is clean and reusable.
        let status = try await pool.query("SELECT 1").first!.decode(0, as: Int.self)
        #expect(status == 1)
        await pool.close()
    }

    @Test("affected row counts are reported")
    func affectedRows() async throws {
        let pool = try makeTestPool()
        let table = uniqueTable("affected")
        try await pool.withConnection { try await $0.query("CREATE TABLE \(identifier: table) (id int)") }
        let inserted = try await pool.query("INSERT INTO \(identifier: table) SELECT generate_series(1, \(5))")
        #expect(inserted.affectedRows == 5)
        let deleted = try await pool.query("DELETE FROM \(identifier: table) WHERE id > \(2)")
        #expect(deleted.affectedRows == 3)
        await pool.close()
    }
}
