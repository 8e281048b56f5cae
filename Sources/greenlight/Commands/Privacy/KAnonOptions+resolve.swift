import GreenlightPrivacy

extension KAnonOptions {
    /// The measurement (`--measure`) or the release to run.
    func resolve() -> KAnonymityJob {
        let release = measure ? nil : KAnonymityJob.Release(
            outputPath: output ?? "", hierarchyPath: hierarchy, drop: drop.map(commaList) ?? [], keep: keep.map(commaList) ?? [],
            pseudonymize: pseudonymize.map(commaList) ?? [], keyFile: keyFile, suppressionLimit: suppress)
        return KAnonymityJob(inputPath: input, quasiIdentifiers: commaList(qi), sensitive: sensitive, k: k, l: l, entropyL: entropyL, t: t,
                             release: release, reportPath: json, encoding: encoding.encoding)
    }
}
