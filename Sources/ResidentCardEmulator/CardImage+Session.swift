import Foundation
import HealthCardFoundation
import ResidentCard

extension EmulatedCardChannel where Card == VirtualCard {
    /// The virtual card of the image file at `path`, for one session: takes the file's exclusive
    /// lock (`AtomicFile/ExclusiveLock`), loads the image (``CardImage/load(from:)``) and saves
    /// it after every command that changed the card. The lock is held as long as the channel lives.
    ///
    /// Why the lock spans the session: a session reads the card (the DF03 index: which slot is
    /// free), then writes. Five `hcard write outpatient --image c.json` at once each loaded the same
    /// image, each found slot 1 free, each said "written", and the last save won: four acknowledged
    /// visits were lost. Under the lock the sessions take turns, as five terminals would with one
    /// card, and each sees the card the previous one left.
    ///
    /// - Throws: `FileAccessError` if the lock cannot be taken; `HealthCardError` naming the
    ///   file if the image does not load.
    public static func lockedImage(at path: String, usesT0: Bool = false) throws -> EmulatedCardChannel<VirtualCard> {
        let lock = try AtomicFile.ExclusiveLock(path)
        let url = URL(fileURLWithPath: path)
        let image = try CardImage.load(from: url)
        return EmulatedCardChannel(VirtualCard(image: image, usesT0: usesT0)) { card in
            try withExtendedLifetime(lock) { try card.image.save(to: url) }
        }
    }
}
