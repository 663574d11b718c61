import EMPI

extension PatientIndex {
    /// A record compared with its candidates in a matcher before a write lock is taken
    /// (``MatchState/compare(_:)``), so that the match under the lock compares only the
    /// candidates that are new or changed since (``MatchState/match(_:issues:compared:)``).
    ///
    /// Why: every node of `hcard serve --postgres` matches its feeds under one revision lock, and
    /// comparing a record with its candidates is most of a match. A node waiting for the lock
    /// compares its queued feeds meanwhile (Docs/serve.md §8).
    ///
    /// Each candidate is kept with the row and version it was compared with: a record's data
    /// changes only with its version, so levels are reused only for a position that still holds
    /// the same row at the same version. The answer is the one a match without them gives: the
    /// levels (`Comparator.levels`) read only the two records' data, and the term frequencies,
    /// persons and candidates are taken at the match.
    package struct ComparedRecord: Sendable {
        /// Candidate positions, ascending, with the row, version and levels of each.
        let positions: [Int]
        let rows: [Int64]
        let versions: [Int64]
        let levels: [LevelVector]

        /// How many candidates were compared.
        package var count: Int { positions.count }
    }
}

extension PatientIndex.MatchState {
    /// `record` (normalised by this matcher's normaliser) compared with its candidates here.
    package func compare(_ record: NormalizedRecord) -> PatientIndex.ComparedRecord {
        let compared = matcher.compareCandidates(of: record)
        return PatientIndex.ComparedRecord(
            positions: compared.map(\.record), rows: compared.map { rowIDs[$0.record] },
            versions: compared.map { versions[$0.record] }, levels: compared.map(\.levels))
    }

    /// `RecordMatcher.match(normalized:issues:)` reusing the levels of `compared` (taken from this
    /// state or an earlier one) for each candidate whose position holds the same row at the same
    /// version: the same outcome as without them.
    package func match(
        _ record: NormalizedRecord, issues: [RecordIssue], compared: PatientIndex.ComparedRecord?
    ) -> RecordMatcher.Outcome {
        guard let compared, !compared.positions.isEmpty else {
            return matcher.match(normalized: record, issues: issues)
        }
        var next = 0
        return matcher.match(normalized: record, issues: issues) { position in
            // Candidates are asked for in ascending order, as `compared` holds them.
            while next < compared.positions.count && compared.positions[next] < position { next += 1 }
            guard next < compared.positions.count, compared.positions[next] == position,
                position < rowIDs.count, rowIDs[position] == compared.rows[next],
                versions[position] == compared.versions[next]
            else { return nil }
            return compared.levels[next]
        }
    }
}
