import Foundation

/// Reads lines with editing and history when standard input is a terminal (raw mode: arrow
/// keys, Home/End, Ctrl-A/E/K/U, backspace, Up/Down through history, Ctrl-C clears the line,
/// Ctrl-D on an empty line ends input); plain `readLine` otherwise.
final class LineEditor {
  private var history: [String] = []
  private let historyFile: String?
  let isInteractive: Bool

  init() {
    isInteractive = isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0
    historyFile = ProcessInfo.processInfo.environment["HOME"].map { $0 + "/.tern_history" }
    if isInteractive, let historyFile, let text = try? String(contentsOfFile: historyFile, encoding: .utf8) {
      history = text.split(separator: "\n").map(String.init).suffix(500)
    }
  }

  /// The next line, without its newline; nil at the end of input.
  func readLine(prompt: String) -> String? {
    guard isInteractive else { return Swift.readLine(strippingNewline: true) }
    var original = termios()
    tcgetattr(STDIN_FILENO, &original)
    var raw = original
    raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
    raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
    tcsetattr(STDIN_FILENO, TCSANOW, &raw)
    defer { tcsetattr(STDIN_FILENO, TCSANOW, &original) }

    var line: [Character] = []
    var cursor = 0
    var historyIndex = history.count
    func redraw() {
      let text = "\r" + prompt + String(line) + "\u{1B}[K" + "\r\u{1B}[\(prompt.count + cursor)C"
      write(text)
    }
    write(prompt)
    while true {
      guard let byte = readByte() else { return line.isEmpty ? nil : String(line) }
      switch byte {
      case 13, 10:  // Enter
        write("\r\n")
        let result = String(line)
        if !result.trimmingCharacters(in: .whitespaces).isEmpty { remember(result) }
        return result
      case 4:  // Ctrl-D
        if line.isEmpty {
          write("\r\n")
          return nil
        }
      case 3:  // Ctrl-C
        line = []
        cursor = 0
        write("^C\r\n" + prompt)
      case 127, 8:  // Backspace
        if cursor > 0 {
          line.remove(at: cursor - 1)
          cursor -= 1
          redraw()
        }
      case 1:
        cursor = 0
        redraw()  // Ctrl-A
      case 5:
        cursor = line.count
        redraw()  // Ctrl-E
      case 11:
        line.removeSubrange(cursor...)
        redraw()  // Ctrl-K
      case 21:
        line.removeSubrange(..<cursor)
        cursor = 0
        redraw()  // Ctrl-U
      case 27:  // Escape sequences: arrows, Home, End
        guard readByte() == UInt8(ascii: "["), let code = readByte() else { continue }
        switch code {
        case UInt8(ascii: "A"), UInt8(ascii: "B"):
          let step = code == UInt8(ascii: "A") ? -1 : 1
          let target = historyIndex + step
          guard target >= 0, target <= history.count else { continue }
          historyIndex = target
          line = target == history.count ? [] : Array(history[target])
          cursor = line.count
        case UInt8(ascii: "C"): cursor = min(line.count, cursor + 1)
        case UInt8(ascii: "D"): cursor = max(0, cursor - 1)
        case UInt8(ascii: "H"): cursor = 0
        case UInt8(ascii: "F"): cursor = line.count
        default: continue
        }
        redraw()
      default:
        guard byte >= 32 else { continue }
        // Gather a whole UTF-8 character.
        var bytes = [byte]
        let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
        while bytes.count < length, let next = readByte() { bytes.append(next) }
        for character in String(decoding: bytes, as: UTF8.self) {
          line.insert(character, at: cursor)
          cursor += 1
        }
        redraw()
      }
    }
  }

  private func remember(_ line: String) {
    if history.last != line { history.append(line) }
    if let historyFile {
      try? (history.suffix(500).joined(separator: "\n") + "\n").write(
        toFile: historyFile, atomically: true, encoding: .utf8)
    }
  }

  private func readByte() -> UInt8? {
    var byte: UInt8 = 0
    return Foundation.read(STDIN_FILENO, &byte, 1) == 1 ? byte : nil
  }

  private func write(_ text: String) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { Foundation.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
  }
}
