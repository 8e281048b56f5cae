import Foundation
import Testing

import GreenlightMeter

@Suite("ProcStat parser")
struct ProcessStatParserTests {
    @Test func commandNameWithSpacesAndParentheses() throws {
        let stat = try #require(ProcStat.parse(try ProcFixtures.bytes("stat/comm-with-parens")))
        #expect(stat.comm == "a) (b c)")
        #expect(stat.pid > 0)
        #expect(stat.ppid > 0)
        #expect(stat.state == UInt8(ascii: "S"))
        #expect(stat.threads == 1)
        #expect(stat.startTime > 0)
        #expect(stat.rssPages > 0)
    }

    @Test func zombie() throws {
        let stat = try #require(ProcStat.parse(try ProcFixtures.bytes("stat/zombie")))
        #expect(stat.comm == "sleep")
        #expect(stat.isZombie)
        #expect(stat.rssPages == 0)
    }

    @Test func realLinesParse() throws {
        let shell = try #require(ProcStat.parse(try ProcFixtures.bytes("stat/shell")))
        #expect(shell.comm == "sh")
        #expect(!shell.isZombie)
        if let bytes = try? ProcFixtures.bytes("stat/kernel-thread") {
            let kernel = try #require(ProcStat.parse(bytes))
            #expect(kernel.rssPages == 0)
        }
    }

    @Test func knownFields() throws {
        let stat = try #require(ProcStat.parse(try ProcFixtures.bytes("tree/100/stat")))
        #expect(stat == ProcStat(
            pid: 100, comm: "(py) thon", state: UInt8(ascii: "S"), ppid: 1, utime: 150, stime: 50, cutime: 30,
            cstime: 10, threads: 2, startTime: 5000, rssPages: 1000))
        #expect(stat.totalUserTicks == 180)
        #expect(stat.totalSystemTicks == 60)
    }

    @Test(arguments: [
        "stat/garbage-empty", "stat/garbage-truncated", "stat/garbage-no-parens", "stat/garbage-letters",
        "stat/garbage-huge-pid", "stat/garbage-parens", "tree/105/stat",
    ])
    func malformedIsRejected(_ fixture: String) throws {
        #expect(ProcStat.parse(try ProcFixtures.bytes(fixture)) == nil)
    }

    @Test(arguments: ["", "(", ")", ") (", "1 (x) R", "1 (x) R 0 0 0 0 0 0 0 0 0 0 0 0 0 0", "\u{0}\u{1}(\u{ff})"])
    func arbitraryInputNeverTraps(_ text: String) {
        #expect(ProcStat.parse(text) == nil)
    }

    @Test func negativeChildTimesClampToZero() throws {
        let stat = try #require(ProcStat.parse("7 (x) S 1 1 1 0 -1 0 0 0 0 0 3 4 -5 -6 20 0 1 0 99 0 12"))
        #expect(stat.cutime == 0)
        #expect(stat.cstime == 0)
        #expect(stat.utime == 3)
        #expect(stat.rssPages == 12)
    }
}
