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
    /// An image in a directory this process may not write (a read-only checkout) is read without
    /// the lock: the sidecar cannot be created there, and no session can save into it either, so
    /// there is no write to lose (a change to such an image fails when it is saved).
    ///
    /// - Throws: `FileAccessError` if the lock cannot be taken; `HealthCardError` naming the
    ///   file if the image does not load.
    public static func lockedImage(at path: String, usesT0: Bool = false) throws -> EmulatedCardChannel<VirtualCard> {
        let lock = try readOnlyTolerantLock(path)
        let url = URL(fileURLWithPath: path)
        let image = try CardImage.load(from: url)
        return EmulatedCardChannel(VirtualCard(image: image, usesT0: usesT0)) { card in
            try withExtendedLifetime(lock) { try card.image.save(to: url) }
        }
    }

    /// The exclusive lock of `path`, or `nil` where the directory cannot hold its sidecar.
    private static func readOnlyTolerantLock(_ path: String) throws -> AtomicFile.ExclusiveLock? {
        do {
            return try AtomicFile.ExclusiveLock(path)
        } catch {
            guard error.code == EACCES || error.code == EROFS else { throw error }
            return nil
        }
    }
}
