import Foundation
import Mail
import Testing

@Suite("Visible reply text")
struct VisibleReplyTextTests {
    private let extractor = VisibleReplyText()

    // MARK: Top-posted replies

    @Test("Gmail top-post: the attribution and the quote under it are cut")
    func gmailTopPost() {
        let body = """
        Thanks, that fixed it.

        On Mon, 3 Jun 2024 at 09:12, Bob Smith <bob@example.com> wrote:

        > Please restart the server.
        >
        > Bob

        """
        #expect(extractor.extract(from: body) == VisibleReply(
            visible: "Thanks, that fixed it.",
            quoted: "On Mon, 3 Jun 2024 at 09:12, Bob Smith <bob@example.com> wrote:\n\n> Please restart the server.\n>\n> Bob"
        ))
    }

    @Test("Gmail wraps a long attribution over two lines")
    func gmailWrappedAttribution() {
        let body = """
        Sounds good!

        On Mon, Jun 3, 2024 at 9:12 AM Bob Smith via Support <
        support@example.atlassian.net> wrote:

        > Hi there
        """
        let reply = extractor.extract(from: body)
        #expect(reply.visible == "Sounds good!")
        #expect(reply.quoted == "On Mon, Jun 3, 2024 at 9:12 AM Bob Smith via Support <\nsupport@example.atlassian.net> wrote:\n\n> Hi there")
    }

    @Test("an attribution wrapped before 'wrote:'")
    func attributionWrappedBeforeWrote() {
        let body = "Ok\n\nOn 2024-06-03 09:12, Bob Smith <bob@example.com>\nwrote:\n> hi"
        #expect(extractor.extract(from: body).visible == "Ok")
        #expect(extractor.extract(from: body).quoted == "On 2024-06-03 09:12, Bob Smith <bob@example.com>\nwrote:\n> hi")
    }

    @Test("attributions in other languages", arguments: [
        "Am Mo., 3. Juni 2024 um 09:12 Uhr schrieb Bob Smith <bob@example.com>:",
        "Am 03.06.2024 um 09:12 schrieb Bob Smith:",
        "Le lun. 3 juin 2024 à 09:12, Bob Smith <bob@example.com> a écrit :",
        "Le 3 juin 2024 à 09:12, Bob Smith <bob@example.com> a\u{00A0}écrit\u{00A0}:",
        "El lun, 3 jun 2024 a las 9:12, Bob Smith (<bob@example.com>) escribió:",
        "Op ma 3 jun 2024 om 09:12 schreef Bob Smith <bob@example.com>:",
        "Op 3 jun. 2024, om 09:12 heeft Bob Smith <bob@example.com> het volgende geschreven:",
        "Il giorno lun 3 giu 2024 alle ore 09:12 Bob Smith <bob@example.com> ha scritto:",
        "Em seg., 3 de jun. de 2024 às 09:12, Bob Smith <bob@example.com> escreveu:",
        "Den mån 3 juni 2024 kl 09:12 skrev Bob Smith <bob@example.com>:",
        "man. 3. jun. 2024 kl. 09:12 skrev Bob Smith <bob@example.com>:",
        "Den man. 3. jun. 2024 kl. 09.12 skrev Bob Smith <bob@example.com>:",
        "On 03/06/2024 09:12, Bob Smith wrote:",
    ])
    func translatedAttributions(attribution: String) {
        let body = "Neue Antwort.\n\n\(attribution)\n> Alte Nachricht\n"
        let reply = extractor.extract(from: body)
        #expect(reply.visible == "Neue Antwort.")
        #expect(reply.quoted == "\(attribution)\n> Alte Nachricht")
    }

    @Test("an attribution with a time or address cuts unprefixed history too")
    func unprefixedHistory() {
        let body = "Fine by me.\n\nOn 03/06/2024 09:12, Bob Smith wrote:\nThe old text,\nnot quoted.\n"
        let reply = extractor.extract(from: body)
        #expect(reply.visible == "Fine by me.")
        #expect(reply.quoted == "On 03/06/2024 09:12, Bob Smith wrote:\nThe old text,\nnot quoted.")
    }

    @Test("sentences that merely resemble attributions stay visible")
    func attributionLookalikes() {
        let body = """
        On Monday I wrote: the plan is fine.
        Am 3. Juni schrieb ich dir:
        die Lieferung kommt am 5.
        From: the warehouse, two pallets.
        """
        #expect(extractor.extract(from: body) == VisibleReply(visible: body))
    }

    @Test("Apple Mail on iPhone: device signature, then a quote that includes its attribution")
    func appleMailMobile() {
        let body = """
        Yes please

        Sent from my iPhone

        > On 3 Jun 2024, at 09:12, Bob Smith <bob@example.com> wrote:
        >\u{0020}
        > Shall I order the part?
        """
        #expect(extractor.extract(from: body) == VisibleReply(
            visible: "Yes please",
            quoted: "> On 3 Jun 2024, at 09:12, Bob Smith <bob@example.com> wrote:\n> \n> Shall I order the part?",
            signature: "Sent from my iPhone"
        ))
    }

    // MARK: Outlook

    @Test("Outlook: underscore line and header block cut everything below")
    func outlookEnglish() {
        let body = """
        Done, closing.

        Regards,
        Ada

        ________________________________
        From: Bob Smith <bob@example.com>
        Sent: Monday, June 3, 2024 9:12 AM
        To: Support <support@example.com>
        Subject: Printer

        Please fix it.

        > an older quote
        """
        let reply = extractor.extract(from: body)
        #expect(reply.visible == "Done, closing.\n\nRegards,\nAda")
        #expect(reply.quoted?.hasPrefix("________________________________\nFrom: Bob Smith") == true)
        #expect(reply.quoted?.hasSuffix("Please fix it.\n\n> an older quote") == true)
        #expect(reply.signature == nil)
    }

    @Test("Outlook header blocks in other languages", arguments: [
        "Von: Bob Smith <bob@example.com>\nGesendet: Montag, 3. Juni 2024 09:12\nAn: Support <support@example.com>\nBetreff: Drucker",
        "De : Bob Smith <bob@example.com>\nEnvoyé : lundi 3 juin 2024 09:12\nÀ : Support <support@example.com>\nObjet : Imprimante",
        "De: Bob Smith <bob@example.com>\nEnviado: lunes, 3 de junio de 2024 9:12\nPara: Support <support@example.com>\nAsunto: Impresora",
        "*From:* Bob Smith <bob@example.com>\n*Sent:* Monday, June 3, 2024 9:12 AM\n*To:* Support\n*Subject:* Printer",
        "From: Bob Smith <bob@example.com>\nDate: Monday, 3 June 2024 at 09:12\nTo: Support <support@example.com>\nSubject: Printer",
        "Van: Bob Smith <bob@example.com>\nVerzonden: maandag 3 juni 2024 09:12\nAan: Support\nOnderwerp: Printer",
    ])
    func outlookTranslations(block: String) {
        let body = "Erledigt.\n\n\(block)\n\nBitte reparieren.\n"
        let reply = extractor.extract(from: body)
        #expect(reply.visible == "Erledigt.")
        #expect(reply.quoted == "\(block)\n\nBitte reparieren.")
    }

    @Test("Outlook's -----Original Message----- separator and its German form")
    func originalMessageSeparator() {
        for separator in ["-----Original Message-----", "-----Ursprüngliche Nachricht-----", "-----Message d'origine-----"] {
            let body = "OK.\n\n\(separator)\nFrom: Bob\nSent: today\n\nold"
            let reply = extractor.extract(from: body)
            #expect(reply.visible == "OK.")
            #expect(reply.quoted == "\(separator)\nFrom: Bob\nSent: today\n\nold")
            #expect(reply.forwarded == nil)
        }
    }

    // MARK: Bottom-posting and inline replies

    @Test("Thunderbird bottom-post keeps the text under the quote and cuts the signature")
    func thunderbirdBottomPost() {
        let body = """
        On 03/06/2024 09:12, Bob Smith wrote:
        > Can you check the logs?

        I checked them, nothing unusual.

        --\u{0020}
        Ada Lovelace
        Support team
        """
        #expect(extractor.extract(from: body) == VisibleReply(
            visible: "I checked them, nothing unusual.",
            quoted: "On 03/06/2024 09:12, Bob Smith wrote:\n> Can you check the logs?",
            signature: "Ada Lovelace\nSupport team"
        ))
    }

    @Test("inline answers between quoted passages stay visible")
    func inlineReply() {
        let body = """
        On Mon, 3 Jun 2024 at 09:12, Bob <bob@example.com> wrote:
        > 1. Is the VPN up?

        Yes.

        > 2. Did you restart?
        >
        > 3. Which build?

        Twice.
        Build 42.
        >
        > Thanks
        """
        #expect(extractor.extract(from: body) == VisibleReply(
            visible: "Yes.\n\nTwice.\nBuild 42.",
            quoted: "On Mon, 3 Jun 2024 at 09:12, Bob <bob@example.com> wrote:\n> 1. Is the VPN up?\n\n> 2. Did you restart?\n>\n> 3. Which build?\n\n>\n> Thanks"
        ))
    }

    @Test("nested quotes are one quoted history")
    func nestedQuotes() {
        let body = """
        Agreed.

        On Tue, 4 Jun 2024 at 10:00, Bob <bob@example.com> wrote:
        > No.
        >
        > On Mon, 3 Jun 2024 at 09:12, Ada <ada@example.com> wrote:
        >> Shall we?
        >>> Earlier
        """
        let reply = extractor.extract(from: body)
        #expect(reply.visible == "Agreed.")
        #expect(reply.quoted == body.components(separatedBy: "\n").dropFirst(2).joined(separator: "\n"))
    }

    // MARK: Forwards

    @Test("Gmail forward without a note: the forwarded message is the visible text")
    func gmailForwardOnly() {
        let body = """
        ---------- Forwarded message ---------
        From: Bob Smith <bob@example.com>
        Date: Mon, 3 Jun 2024 at 09:12
        Subject: Printer
        To: <ada@example.com>


        The printer on floor 3 is broken.

        """
        let message = "From: Bob Smith <bob@example.com>\nDate: Mon, 3 Jun 2024 at 09:12\nSubject: Printer\nTo: <ada@example.com>\n\n\nThe printer on floor 3 is broken."
        #expect(extractor.extract(from: body) == VisibleReply(visible: message, forwarded: message))
    }

    @Test("a forward with a note keeps the note visible and a signature above the wrapper")
    func forwardWithNote() {
        let body = """
        FYI, see below.
        --\u{0020}
        Ada

        Begin forwarded message:

        > From: Bob Smith <bob@example.com>
        > Subject: Printer
        >
        > It is broken.
        """
        #expect(extractor.extract(from: body) == VisibleReply(
            visible: "FYI, see below.",
            signature: "Ada",
            forwarded: "From: Bob Smith <bob@example.com>\nSubject: Printer\n\nIt is broken."
        ))
    }

    @Test("forward wrappers in other clients and languages", arguments: [
        "-------- Original Message --------",
        "-------- Forwarded Message --------",
        "-------- Weitergeleitete Nachricht --------",
        "---------- Message transféré ---------",
        "---------- Mensaje reenviado ---------",
        "Anfang der weitergeleiteten Nachricht:",
        "Début du message réexpédié :",
        "---------- Doorgestuurd bericht ---------",
        "---------- Messaggio inoltrato ---------",
        "---------- Mensagem encaminhada ---------",
        "---------- Vidarebefordrat meddelande ---------",
    ])
    func forwardWrappers(wrapper: String) {
        let body = "Siehe unten.\n\n\(wrapper)\nFrom: Bob\nSubject: X\n\nBody\n"
        let reply = extractor.extract(from: body)
        #expect(reply.visible == "Siehe unten.")
        #expect(reply.forwarded == "From: Bob\nSubject: X\n\nBody")
        #expect(reply.quoted == nil)
    }

    // MARK: Only history

    @Test("a mail that is only a quote keeps the quoted text, unquoted once")
    func onlyQuote() {
        let body = "On Mon, 3 Jun 2024 at 09:12, Bob <bob@example.com> wrote:\n> Hello\n>\n>> older\n"
        #expect(extractor.extract(from: body) == VisibleReply(
            visible: "On Mon, 3 Jun 2024 at 09:12, Bob <bob@example.com> wrote:\nHello\n\n> older",
            quoted: "On Mon, 3 Jun 2024 at 09:12, Bob <bob@example.com> wrote:\n> Hello\n>\n>> older"
        ))
    }

    @Test("a mail with only a device signature and a quote falls back to the quote")
    func signatureAndQuoteOnly() {
        let reply = extractor.extract(from: "Sent from my iPhone\n\n> Hello\n")
        #expect(reply == VisibleReply(visible: "Hello", quoted: "> Hello", signature: "Sent from my iPhone"))
    }

    // MARK: Delimiter

    @Test("the tenant delimiter cuts from its line, quoted or not, ignoring case")
    func delimiter() {
        let extractor = VisibleReplyText(bodyDelimiter: "  ## Reply above this line ##  ")
        let gmail = """
        Please also check the fan.

        On Mon, 3 Jun 2024 at 09:12, Support <support@example.com> wrote:
        > ## Reply above this line ##
        > Ada commented: is it fixed?
        """
        #expect(extractor.extract(from: gmail) == VisibleReply(
            visible: "Please also check the fan.",
            quoted: "On Mon, 3 Jun 2024 at 09:12, Support <support@example.com> wrote:\n> ## Reply above this line ##\n> Ada commented: is it fixed?"
        ))
        let plain = "Thanks\n\n## reply ABOVE this line ##\nAda commented: done\nview in Jira"
        #expect(extractor.extract(from: plain) == VisibleReply(visible: "Thanks", quoted: "## reply ABOVE this line ##\nAda commented: done\nview in Jira"))
        #expect(VisibleReplyText(bodyDelimiter: "   ").extract(from: "a\n   \nb") == VisibleReply(visible: "a\n   \nb"))
    }

    // MARK: Signatures

    @Test("device signatures in several languages", arguments: [
        "Sent from my iPhone", "Sent from my Samsung Galaxy smartphone.", "Get Outlook for iOS<https://aka.ms/o0ukef>",
        "Get Outlook for Android", "Von meinem iPhone gesendet", "Envoyé de mon iPhone", "Enviado desde mi iPhone",
        "Verzonden vanaf mijn iPhone", "Inviato da iPhone", "Skickat från min iPhone", "Sendt fra min iPhone",
    ])
    func deviceSignatures(line: String) {
        #expect(extractor.extract(from: "Approved.\n\n\(line)\n\n") == VisibleReply(visible: "Approved.", signature: line))
    }

    @Test("a bare -- separates a short signature but not a long tail")
    func bareDashes() {
        #expect(extractor.extract(from: "Hi\n--\nAda\nACME") == VisibleReply(visible: "Hi", signature: "Ada\nACME"))
        let long = "Intro\n--\n" + (1...25).map { "point \($0)" }.joined(separator: "\n")
        #expect(extractor.extract(from: long) == VisibleReply(visible: long))
        #expect(extractor.extract(from: "Text\nSent from my iPhone\nmore text") == VisibleReply(visible: "Text\nSent from my iPhone\nmore text"))
        // A bare -- with nothing above it is a divider, not a signature; "-- " always is one.
        #expect(extractor.extract(from: "--\nPlease reset my password.") == VisibleReply(visible: "--\nPlease reset my password."))
        #expect(extractor.extract(from: "-- \nAda") == VisibleReply(visible: "", signature: "Ada"))
    }

    // MARK: Text handling

    @Test("text before the history is kept exactly, CRLF becomes LF")
    func exactText() {
        let body = "\r\n\r\n  Indented line\r\n\r\n\r\nTwo blank lines above  \r\n\tTabbed\r\n\r\nOn Mon, 3 Jun 2024 at 09:12, Bob <bob@example.com> wrote:\r\n> x\r\n"
        let reply = extractor.extract(from: body)
        #expect(reply.visible == "  Indented line\n\n\nTwo blank lines above  \n\tTabbed")
        #expect(reply.quoted == "On Mon, 3 Jun 2024 at 09:12, Bob <bob@example.com> wrote:\n> x")
        #expect(extractor.extract(from: "a\rb\r\n") == VisibleReply(visible: "a\nb"))
    }

    @Test("empty and blank bodies")
    func emptyBodies() {
        #expect(extractor.extract(from: "") == VisibleReply(visible: ""))
        #expect(extractor.extract(from: " \n\t\n") == VisibleReply(visible: ""))
    }

    @Test("HTML-derived text with quoted blockquotes splits the same way")
    func htmlDerived() {
        let html = """
        <div dir="ltr">Sounds good.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">\
        On Mon, 3 Jun 2024 at 09:12, Bob &lt;<a href="mailto:bob@example.com">bob@example.com</a>&gt; wrote:<br></div>\
        <blockquote class="gmail_quote">Can we meet?</blockquote></div>
        """
        let reply = extractor.extract(from: HTMLText.plainText(fromHTML: html))
        #expect(reply.visible == "Sounds good.")
        #expect(reply.quoted == "On Mon, 3 Jun 2024 at 09:12, Bob <bob@example.com> wrote:\n\n> Can we meet?")
    }

    @Test("Apple Mail HTML from an iPhone: device signature and cite blockquotes")
    func appleMailHTML() {
        let html = """
        <html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head><body dir="auto">\
        Yes, go ahead.<br><br><div dir="ltr">Sent from my iPhone</div><div dir="ltr"><br><blockquote type="cite">\
        On 3 Jun 2024, at 09:12, Bob Smith &lt;bob@example.com&gt; wrote:<br><br></blockquote></div>\
        <blockquote type="cite"><div dir="ltr">\u{FEFF}<div dir="ltr">Shall I order the part?<div><br></div><div>Bob</div></div>\
        </div></blockquote></body></html>
        """
        #expect(extractor.extract(from: HTMLText.plainText(fromHTML: html)) == VisibleReply(
            visible: "Yes, go ahead.",
            quoted: "> On 3 Jun 2024, at 09:12, Bob Smith <bob@example.com> wrote:\n>\n> Shall I order the part?\n>\n> Bob",
            signature: "Sent from my iPhone"
        ))
    }

    @Test("Thunderbird HTML: the quoted signature stays in the quote, the sender's is cut")
    func thunderbirdHTML() {
        let html = """
        <html><body><p>Checked, all good.</p><div class="moz-cite-prefix">On 03/06/2024 09:12, Bob Smith wrote:<br></div>\
        <blockquote type="cite" cite="mid:x@example.com"><p>Can you check the logs?</p><pre class="moz-signature" cols="72">--\u{20}
        Bob</pre></blockquote><pre class="moz-signature" cols="72">--\u{20}
        Ada Lovelace</pre></body></html>
        """
        #expect(extractor.extract(from: HTMLText.plainText(fromHTML: html)) == VisibleReply(
            visible: "Checked, all good.",
            quoted: "On 03/06/2024 09:12, Bob Smith wrote:\n\n> Can you check the logs?\n>\n> --\n> Bob",
            signature: "Ada Lovelace"
        ))
    }

    @Test("Outlook on the web: the rule drawn above the header block goes with the history")
    func outlookWebHTML() {
        let html = """
        <div dir="ltr">Fixed, please check.</div><div id="appendonsend"></div>\
        <hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr">\
        <font face="Calibri, sans-serif"><b>From:</b> Bob Smith &lt;bob@example.com&gt;<br><b>Sent:</b> Monday, June 3, 2024 09:12<br>\
        <b>To:</b> Support &lt;support@example.com&gt;<br><b>Subject:</b> VPN</font><div>&nbsp;</div></div><div>It is down.</div>
        """
        #expect(extractor.extract(from: HTMLText.plainText(fromHTML: html)) == VisibleReply(
            visible: "Fixed, please check.",
            quoted: "---\nFrom: Bob Smith <bob@example.com>\nSent: Monday, June 3, 2024 09:12\nTo: Support <support@example.com>\nSubject: VPN\n\nIt is down."
        ))
        let plain = "Thanks\n\n=====\n\nOn 03/06/2024 09:12, Bob Smith wrote:\n> hi"
        #expect(extractor.extract(from: plain) == VisibleReply(visible: "Thanks", quoted: "=====\n\nOn 03/06/2024 09:12, Bob Smith wrote:\n> hi"))
    }

    // MARK: Pathological input

    @Test("pathological input finishes with the expected parts")
    func pathological() {
        let markers = String(repeating: ">\n", count: 100_000)
        let allQuoted = extractor.extract(from: markers)
        #expect(allQuoted.visible == "")
        #expect(allQuoted.quoted?.utf8.count == 2 * 100_000 - 1)

        // Vague attributions with no quote under them are text, except the last one.
        let attributions = extractor.extract(from: String(repeating: "On 1 wrote:\n", count: 20_000))
        #expect(attributions.visible == Array(repeating: "On 1 wrote:", count: 19_999).joined(separator: "\n"))
        #expect(attributions.quoted == "On 1 wrote:")

        let longLine = String(repeating: "a", count: 1_000_000)
        #expect(extractor.extract(from: longLine) == VisibleReply(visible: longLine))

        let froms = String(repeating: "From: x\n", count: 20_000)
        #expect(extractor.extract(from: froms).visible == froms.dropLast())

        let dashes = String(repeating: "-- \n", count: 20_000)
        #expect(extractor.extract(from: "Hi\n" + dashes) == VisibleReply(visible: "Hi", signature: String(String(repeating: "-- \n", count: 19_999).dropLast())))
    }
}
