#compdef hcard

__hcard_complete() {
    local -ar non_empty_completions=("${@:#(|:*)}")
    local -ar empty_completions=("${(M)@:#(|:*)}")
    _describe -V '' non_empty_completions -- empty_completions -P $'\'\''
}

__hcard_custom_complete() {
    local -a completions
    completions=("${(@f)"$("${command_name}" "${@}" "${command_line[@]}")"}")
    if [[ "${#completions[@]}" -gt 1 ]]; then
        __hcard_complete "${completions[@]:0:-1}"
    fi
}

__hcard_cursor_index_in_current_word() {
    if [[ -z "${QIPREFIX}${IPREFIX}${PREFIX}" ]]; then
        printf 0
    else
        printf %s "${#${(z)LBUFFER}[-1]}"
    fi
}

_hcard() {
    emulate -RL zsh -G
    setopt extendedglob nullglob numericglobsort
    unsetopt aliases banghist

    local -xr SAP_SHELL=zsh
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(builtin emulate zsh -c 'printf %s "${ZSH_VERSION}"')"
    local -r SAP_SHELL_VERSION

    local context state state_descr line
    local -A opt_args

    local -r command_name="${words[1]}"
    local -ar command_line=("${words[@]}")
    local -ir current_word_index="$((CURRENT - 1))"

    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'id:Citizen identity numbers (GB 11643-1999).'
            'codes:List the national code tables, or the entries of one table.'
            'card:Create virtual card images and show the card layout.'
            'read:Read the whole card: issuer, holder, personal and medical data, encounter records.'
            'write:Write a record to the card from a JSON file.'
            'erase:Mark an outpatient or inpatient slot empty (DF03 index, UK_DF03_2).'
            'keys:Issuer keys for signed QR codes: generate, export, trust, revoke.'
            'qr:Signed, offline-verifiable QR codes for e-health cards.'
            'code:Health codes: declarations, events, colour status, signed HCC1 codes.'
            'checkpoint:Checkpoints: scan a code or an ID number, decide pass or deny, log every passage.'
            'passlog:The checkpoint pass log: query, counts, export, trajectory, companions, frequency, who is inside, stays.'
            'site:Registration sites: fever clinics, pharmacies, observation sites, employers, checkpoints.'
            'register:Registrations at the scan: fever clinic, pharmacy, observation, return to work, checkpoint.'
            'clue:Clue reports: report, route to the district handler, notify, acknowledge, feedback, supervise.'
            'empi:Patient identity: a persistent EMPI/PIX index, explained matching, batch linkage.'
            'account:E-health-card accounts: register through the EMPI, update, cancel, lost and replaced cards, bank cards.'
            'blacklist:The card blacklist: add, remove (a found card goes to the whitelist), list, export, import.'
            'platform:Platform exchange files (card, blacklist, whitelist, resident, oplog) and request signing.'
            'fixtures:Check fixture files: card images, QR payloads and images, EMPI mappings and CSVs.'
            'demo:A tour on a built-in example: card, visit, QR code, verification, patient match.'
            'serve:Serve the platform interfaces over HTTP: code verification, the EMPI/PIX service, e-health-card accounts.'
            'readers:List the PC/SC readers, whether each holds a card, and its ATR.'
            'atr:Show the ATR of the card in a reader: protocols, historical bytes, extended length.'
            'apdu:Send command APDUs (hex) to the card in a reader and print the responses.'
            'emulate:Put the virtual card from a card image into a vpcd reader slot (and the virtual SAM into the next).'
            'help:Show subcommand help information.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        id|codes|card|read|write|erase|keys|qr|code|checkpoint|passlog|site|register|clue|empi|account|blacklist|platform|fixtures|demo|serve|readers|atr|apdu|emulate|help)
            "_hcard_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_hcard_id() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'check:Validate citizen IDs and show birth date, sex and region.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        check)
            "_hcard_id_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_hcard_id_check() {
    local -i ret=1
    local -ar arg_specs=(
        '*:ids:'
        '--json[Print a JSON array, one object per ID.]'
        '--strict[Treat warnings (unknown or retired region, implausible age) as errors.]'
        '--today[Check dates against this day (YYYY-MM-DD) instead of today in China.]:today:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_codes() {
    local -i ret=1
    local -ar arg_specs=(
        ':table:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_card() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'new:Personalise a virtual resident health card into an image file.'
            'layout:Print the card layout: every DF, EF and field (the table Docs/card-layout.md is made from).'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        new|layout)
            "_hcard_card_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_hcard_card_new() {
    local -i ret=1
    local -ar arg_specs=(
        '--holder[Holder record JSON\: name, sex, ethnicity, birthDate, idNumber.]:holder:'
        '--issuer[Issuer record JSON (DDF1/EF05). Default\: a test issuer.]:issuer:'
        '--image[Card image to create.]:image:'
        '--force[Overwrite an existing image.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_card_layout() {
    local -i ret=1
    local -ar arg_specs=(
        '--markdown[Markdown, as in Docs/card-layout.md.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_read() {
    local -i ret=1
    local -ar ___card_factor=('lastEightHistoricalBytes' 'eightFromByteFive')
    local -ar arg_specs=(
        '--image[A card image file\: runs the real session against the virtual card and the virtual test SAM.]:image:'
        '--reader[PC/SC reader holding the card (without --image). Default\: the only reader with a card.]:reader:'
        '--sam-reader[PC/SC reader holding the SAM. Without one, only the issuer data (DDF1/EF05) can be read.]:sam-reader:'
        '--sam-pin[SAM PIN as hex digits (default\: the virtual SAM'\''s test PIN 123456).]:sam-pin:'
        '--card-factor[Where the card diversification factor sits in the ATR\: lastEightHistoricalBytes, eightFromByteFive.]:card-factor:{__hcard_complete "${___card_factor[@]}"}'
        '--trace[Print every APDU and status word to standard error (PIN bytes masked).]'
        '--json[Print the card as JSON.]'
        '--status-db[Check the card number against this account database'\''s card status and blacklist.]:status-db:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_write() {
    local -i ret=1
    local -ar _kind=('payment' 'addresses' 'contacts' 'occupation' 'documents' 'clinical' 'special' 'allergy' 'immunization' 'outpatient' 'inpatient' 'photo')
    local -ar ___card_factor=('lastEightHistoricalBytes' 'eightFromByteFive')
    local -ar arg_specs=(
        ':kind:{__hcard_complete "${_kind[@]}"}'
        '--from[The record as JSON (for photo\: a JPEG file).]:from:'
        '--image[A card image file\: runs the real session against the virtual card and the virtual test SAM.]:image:'
        '--reader[PC/SC reader holding the card (without --image). Default\: the only reader with a card.]:reader:'
        '--sam-reader[PC/SC reader holding the SAM. Without one, only the issuer data (DDF1/EF05) can be read.]:sam-reader:'
        '--sam-pin[SAM PIN as hex digits (default\: the virtual SAM'\''s test PIN 123456).]:sam-pin:'
        '--card-factor[Where the card diversification factor sits in the ATR\: lastEightHistoricalBytes, eightFromByteFive.]:card-factor:{__hcard_complete "${___card_factor[@]}"}'
        '--trace[Print every APDU and status word to standard error (PIN bytes masked).]'
        '--json[Print the result as JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_erase() {
    local -i ret=1
    local -ar _kind=('inpatient' 'outpatient')
    local -ar ___card_factor=('lastEightHistoricalBytes' 'eightFromByteFive')
    local -ar arg_specs=(
        ':kind:{__hcard_complete "${_kind[@]}"}'
        ':slot:'
        '--image[A card image file\: runs the real session against the virtual card and the virtual test SAM.]:image:'
        '--reader[PC/SC reader holding the card (without --image). Default\: the only reader with a card.]:reader:'
        '--sam-reader[PC/SC reader holding the SAM. Without one, only the issuer data (DDF1/EF05) can be read.]:sam-reader:'
        '--sam-pin[SAM PIN as hex digits (default\: the virtual SAM'\''s test PIN 123456).]:sam-pin:'
        '--card-factor[Where the card diversification factor sits in the ATR\: lastEightHistoricalBytes, eightFromByteFive.]:card-factor:{__hcard_complete "${___card_factor[@]}"}'
        '--trace[Print every APDU and status word to standard error (PIN bytes masked).]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_keys() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'generate:Generate an SM2 issuer key; the private key goes only to a 0600 file.'
            'public:Print (or write) the public key and key id of a key file.'
            'trust:Manage the trust list: the keys checkpoints accept.'
            'revoke:Revoke cards or issuer keys in a revocation list (created if missing).'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        generate|public|trust|revoke)
            "_hcard_keys_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_hcard_keys_generate() {
    local -i ret=1
    local -ar arg_specs=(
        '--out[The private key file to create (mode 0600).]:out:'
        '--public[Also write the public key (PEM) to this file.]:public:'
        '--force[Replace existing files.]'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_keys_public() {
    local -i ret=1
    local -ar arg_specs=(
        '--key[A private or public key PEM file.]:key:'
        '--out[Write the public key PEM to this file instead of printing it.]:out:'
        '--force[Replace an existing --out file.]'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_keys_trust() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'add:Add a public key to a trust list (created if missing).'
            'list:List the keys of a trust list.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        add|list)
            "_hcard_keys_trust_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_hcard_keys_trust_add() {
    local -i ret=1
    local -ar arg_specs=(
        '--trust[The trust list file.]:trust:'
        '--public[The issuer'\''s public key PEM (a private key file also works).]:public:'
        '--issuer[The issuer'\''s name, shown with verdicts.]:issuer:'
        '--valid-from[Start of the key'\''s validity period (ISO 8601 with zone). Default\: now.]:valid-from:'
        '--valid-to[End of the key'\''s validity period (ISO 8601 with zone). Default\: 365 days after the start.]:valid-to:'
        '--replace[Replace an entry with the same key id.]'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_keys_trust_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--trust[The trust list file.]:trust:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_keys_revoke() {
    local -i ret=1
    local -ar arg_specs=(
        '--revoked[The revocation list file.]:revoked:'
        '*--card-id[A card id to revoke (\[0-9A-Za-z\]{1,64}).]:card-id:'
        '*--key-id[An issuer key id to revoke (16 hex digits).]:key-id:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_qr() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'issue:Issue a signed code; print its QR text or draw it as PNG, SVG or terminal blocks.'
            'decode:Scan QR images and print what they say, WITHOUT verifying anything.'
            'verify:Verify signed codes offline (text or images) and print the verdicts; exit 1 unless all valid.'
            'batch:Issue signed codes for every line of a CSV file, as PNG or SVG files, in parallel.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        issue|decode|verify|batch)
            "_hcard_qr_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_hcard_qr_issue() {
    local -i ret=1
    local -ar ___ec=('L' 'M' 'Q' 'H')
    local -ar ___symbology=('qr' 'grid-matrix')
    local -ar arg_specs=(
        '--card-id[The card id, \[0-9A-Za-z\]{1,64}.]:card-id:'
        '--static[A static code\: no expiry of its own (health-code.md §4.1 type 1).]'
        '--dynamic[A dynamic code, valid for --window seconds (type 0).]'
        '--window[Validity of a dynamic code in seconds, 1...65535. Default\: 300.]:window:'
        '--key[The issuer'\''s private key PEM file.]:key:'
        '--now[Issue time (ISO 8601 with zone) instead of now; for tests and back-filling.]:now:'
        '--png[Write the symbol as a PNG file.]:png:'
        '--svg[Write the symbol as an SVG file.]:svg:'
        '--terminal[Print the symbol on the terminal (UTF-8 half blocks).]'
        '--invert[With --terminal\: dark modules in the foreground colour, for light terminals.]'
        '--ec[Error correction\: L (7 %), M (15 %), Q (25 %) or H (30 %).]:ec:{__hcard_complete "${___ec[@]}"}'
        '--module-size[Pixels per module in PNG images, 2...64 (1 is refused\: zbar cannot read it reliably).]:module-size:'
        '--quiet-zone[White margin in modules (ISO/IEC 18004 asks for 4).]:quiet-zone:'
        '--symbology[qr, or grid-matrix (GB/T 27766, drawn with libzint; no open decoder reads it).]:symbology:{__hcard_complete "${___symbology[@]}"}'
        '--json[Print JSON with the decoded fields (and the QR symbol'\''s size and files).]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_qr_decode() {
    local -i ret=1
    local -ar arg_specs=(
        '*:images:'
        '--grey[Read the inputs as raw 8-bit grey frames (Y800) of this size, e.g. 640x480.]:WxH:'
        '--max-pixels[Refuse image files whose header declares more pixels than this (default 40000000).]:N:'
        '--json[Print JSON\: one object per input with its symbols.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_qr_verify() {
    local -i ret=1
    local -ar arg_specs=(
        '*:images:'
        '--text[The scanned text. Without it or images, the first line of standard input.]:text:'
        '--trust[The trust list file.]:trust:'
        '--revoked[The revocation list file.]:revoked:'
        '--status-db[An account database\: cancelled e-cards and refused card numbers count as revoked (Docs/accounts.md).]:status-db:'
        '--skew[Allowed clock difference in seconds. Default\: 30.]:skew:'
        '--now[Verify as of this time (ISO 8601 with zone) instead of now.]:now:'
        '--replay-cache[Remember accepted dynamic codes in this JSON file across runs.]:file:'
        '--grey[Read the inputs as raw 8-bit grey frames (Y800) of this size, e.g. 640x480.]:WxH:'
        '--max-pixels[Refuse image files whose header declares more pixels than this (default 40000000).]:N:'
        '--json[Print JSON\: valid, reason, message, offset and the decoded fields.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_qr_batch() {
    local -i ret=1
    local -ar ___format=('png' 'svg')
    local -ar ___ec=('L' 'M' 'Q' 'H')
    local -ar arg_specs=(
        '--csv[The input CSV file (header card_id,kind\[,window\]).]:csv:'
        '--out[The output directory (created if missing).]:out:'
        '--key[The issuer'\''s private key PEM file.]:key:'
        '--format[Image format\: png or svg.]:format:{__hcard_complete "${___format[@]}"}'
        '--jobs[Parallel workers. Default\: the number of cores.]:jobs:'
        '--ec[Error correction\: L (7 %), M (15 %), Q (25 %) or H (30 %).]:ec:{__hcard_complete "${___ec[@]}"}'
        '--module-size[Pixels per module in PNG images, 2...64 (1 is refused\: zbar cannot read it reliably).]:module-size:'
        '--quiet-zone[White margin in modules (ISO/IEC 18004 asks for 4).]:quiet-zone:'
        '--now[One issue time for every code (ISO 8601 with zone) instead of the clock at each code.]:now:'
        '--json[Print a JSON summary\: counts, errors, skipped files and the manifest path.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_code() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'declare:Record a health declaration (GB/T 38963 §6.2); exit 1 listing every violation.'
            'trip:Record a trip declaration of one stop (GB/T 38963 §6.3).'
            'event:Record an event: check-in, test result, fever-clinic visit, case, exposure, manual conversion.'
            'correct:Retract a stored event (GB/T 38963 §6.8 correction); the original stays on record.'
            'issue:Issue a signed health code (制码) with the colour the person'\''s history gives now.'
            'verify:Verify a health code (验码) offline; exit 1 unless valid.'
            'status:The person'\''s colour on a date, every active reason and when each ends.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        declare|trip|event|correct|issue|verify|status)
            "_hcard_code_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_hcard_code_declare() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The SQLite event store (created on first use).]:db:'
        '--rules[The colour rule set\: hainan-2020-02, hainan-2021-08, hainan-2022-05, hainan-2022-09.]:rules:'
        '--from[The declaration JSON file, or - for standard input.]:from:'
        '--at[When it was declared\: ISO 8601 (a time without a zone is China time). Default\: now.]:at:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_code_trip() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The SQLite event store (created on first use).]:db:'
        '--rules[The colour rule set\: hainan-2020-02, hainan-2021-08, hainan-2022-05, hainan-2022-09.]:rules:'
        '--person[The person\: a citizen ID, or TT\:NUMBER with a CV02.01.101 document type.]:person:'
        '--region[The place in China, a 6-digit GB/T 2260 code.]:region:'
        '--country[The place abroad, a GB/T 2659 alpha-3 code.]:country:'
        '--arrival[Arrival date, YYYY-MM-DD.]:arrival:'
        '--departure[Departure date, YYYY-MM-DD.]:departure:'
        '--risk-area[The place was a medium- or high-risk area.]'
        '--at[When it was declared (ISO 8601; no zone = China time). Default\: now.]:at:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_code_event() {
    local -i ret=1
    local -ar ___kind=('check-in' 'test-result' 'fever-clinic' 'case-opened' 'case-closed' 'exposure' 'manual-conversion')
    local -ar arg_specs=(
        '--db[The SQLite event store (created on first use).]:db:'
        '--rules[The colour rule set\: hainan-2020-02, hainan-2021-08, hainan-2022-05, hainan-2022-09.]:rules:'
        '--person[The person\: a citizen ID, or TT\:NUMBER with a CV02.01.101 document type.]:person:'
        '--kind[check-in, test-result, fever-clinic, case-opened, case-closed, exposure, manual-conversion.]:kind:{__hcard_complete "${___kind[@]}"}'
        '--abnormal[check-in\: symptoms or an abnormal temperature.]'
        '--positive[test-result\: positive (default negative).]'
        '--excludes-covid[fever-clinic\: a re-visit that excludes COVID.]'
        '--status[case-opened/closed\: confirmed, asymptomatic, suspected, closeContact, inbound.]:status:'
        '--minutes[exposure\: minutes near the case.]:minutes:'
        '--to[manual-conversion\: the colour.]:to:'
        '--reason[manual-conversion\: why.]:reason:'
        '--actor[Who records it.]:actor:'
        '--at[When it happened (ISO 8601; no zone = China time). Default\: now.]:at:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_code_correct() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The SQLite event store (created on first use).]:db:'
        '--rules[The colour rule set\: hainan-2020-02, hainan-2021-08, hainan-2022-05, hainan-2022-09.]:rules:'
        '--person[The person.]:person:'
        '--event[The id of the event to retract (see `hcard code status --json`).]:event:'
        '--reason[Why.]:reason:'
        '--actor[Who corrects.]:actor:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_code_issue() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The SQLite event store (created on first use).]:db:'
        '--rules[The colour rule set\: hainan-2020-02, hainan-2021-08, hainan-2022-05, hainan-2022-09.]:rules:'
        '--person[The person\: a citizen ID, or TT\:NUMBER.]:person:'
        '--key[The issuer'\''s SM2 private key PEM file.]:key:'
        '--region[The issuing region, GB/T 2260. Default\: 460100.]:region:'
        '--valid[Validity\: seconds, or with a unit s/m/h/d (24h). Default\: 24h.]:valid:'
        '--at[Issue time (ISO 8601; no zone = China time). Default\: now.]:at:'
        '--symbology[qr or grid-matrix (recommended by GB/T 38961; no open decoder reads it).]:symbology:'
        '--png[Write the symbol as a PNG file.]:png:'
        '--svg[Write the symbol as an SVG file.]:svg:'
        '--terminal[Show the symbol in the terminal.]'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_code_verify() {
    local -i ret=1
    local -ar arg_specs=(
        ':image:'
        '--text[The scanned text.]:text:'
        '--trust[The trust list file.]:trust:'
        '--revoked[The revocation list file.]:revoked:'
        '--status-db[An account database\: cancelled e-cards and refused card numbers count as revoked (Docs/accounts.md).]:status-db:'
        '--skew[Allowed clock difference in seconds. Default\: 30.]:skew:'
        '--person[The identity document presented with the code (a citizen ID, or TT\:NUMBER).]:person:'
        '--db[The event store, to report whether a newer code was issued since.]:db:'
        '--max-pixels[Refuse image files whose header declares more pixels than this (default 40000000).]:N:'
        '--now[Verify as of this time (ISO 8601; no zone = China time) instead of now.]:now:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_code_status() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The SQLite event store (created on first use).]:db:'
        '--rules[The colour rule set\: hainan-2020-02, hainan-2021-08, hainan-2022-05, hainan-2022-09.]:rules:'
        '--person[The person\: a citizen ID, or TT\:NUMBER.]:person:'
        '--at[The date (YYYY-MM-DD, or an ISO 8601 time). Default\: today in China.]:at:'
        '--json[Print JSON, with the events and issued codes.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_checkpoint() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'scan:Decide one passage (or a batch from standard input) and append it to the pass log.'
            'station:Run an unattended gate: scanners, cameras, card readers and a thermometer in, the door out, every passage logged.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        scan|station)
            "_hcard_checkpoint_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_hcard_checkpoint_scan() {
    local -i ret=1
    local -ar ___direction=('in' 'out')
    local -ar arg_specs=(
        ':image:'
        '--text[The scanned text.]:text:'
        '--id[An ID number\: alone, the credential; with a code, the ID card shown with it.]:id:'
        '--batch[Read passages as JSON lines from standard input.]'
        '--log[The pass log (SQLite, created on first use).]:log:'
        '--checkpoint[The checkpoint id.]:checkpoint:'
        '--name[The checkpoint'\''s name.]:name:'
        '--area[Where it is (a GB/T 2260 code or free text).]:area:'
        '--department[The department that runs it.]:department:'
        '--direction[in or out.]:direction:{__hcard_complete "${___direction[@]}"}'
        '--temperature[The body temperature in °C.]:temperature:'
        '--plate[A vehicle plate.]:plate:'
        '--policy[A checkpoint policy JSON file.]:policy:'
        '*--allow[A colour that passes (repeat for several); replaces the policy'\''s colours.]:allow:'
        '--temperature-limit[Fever limit in °C\: a reading at or above it denies.]:temperature-limit:'
        '--temperature-optional[Do not deny a passage without a temperature reading.]'
        '--id-suffices[A valid ID number alone suffices (manual registration).]'
        '--trust[The trust list file.]:trust:'
        '--revoked[The revocation list file.]:revoked:'
        '--status-db[An account database\: cancelled e-cards and refused card numbers count as revoked (Docs/accounts.md).]:status-db:'
        '--skew[Allowed clock difference in seconds. Default\: 30.]:skew:'
        '--max-pixels[Refuse image files whose header declares more pixels than this (default 40000000).]:N:'
        '--replay-cache[Remember accepted dynamic codes in this JSON file across runs.]:file:'
        '--now[Decide as of this time (ISO 8601; no zone = China time) instead of now.]:now:'
        '--full-id[Show ID numbers in full in the output.]'
        '--json[Print JSON (one object per passage; compact lines in --batch).]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_checkpoint_station() {
    local -i ret=1
    local -ar arg_specs=(
        '--config[The station configuration file (JSON).]:config:'
        '--dry-run[Drive no door\: print what it would do.]'
        '--check[Check the configuration and the lists, then exit.]'
        '--test-door[Open the door, wait the open time, close it, and exit (a site engineer'\''s wiring check).]'
        '--json[Print JSON acknowledgements (one compact object per line).]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_passlog() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'query:List passages, in time order.'
            'counts:Passed and denied passages per hour or per checkpoint.'
            'export:Export passages as CSV (RFC 4180) or JSON, streaming.'
            'trajectory:Where a person passed in the last N days (default 14), in time order.'
            'companions:People who passed the same checkpoint within M minutes of the person, most often first.'
            'frequency:Visits per person per checkpoint, most first.'
            'inside:Who is inside: people whose last passed passage was an entry.'
            'stays:Dwell times: each passed entry followed by a passed exit of the same person.'
            'departments:Passed entries, passed exits and denials per department.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        query|counts|export|trajectory|companions|frequency|inside|stays|departments)
            "_hcard_passlog_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_hcard_passlog_query() {
    local -i ret=1
    local -ar ___decision=('pass' 'deny')
    local -ar ___direction=('in' 'out')
    local -ar arg_specs=(
        '--log[The pass log (SQLite).]:log:'
        '--from[From this time (inclusive).]:from:'
        '--to[Up to this time (exclusive).]:to:'
        '--checkpoint[The checkpoint id.]:checkpoint:'
        '--department[The department.]:department:'
        '--area[The area.]:area:'
        '--person[The person (see above).]:person:'
        '--decision[pass or deny.]:decision:{__hcard_complete "${___decision[@]}"}'
        '--direction[in or out.]:direction:{__hcard_complete "${___direction[@]}"}'
        '--limit[At most this many rows. Default\: 1000.]:limit:'
        '--full-id[Show ID numbers in full.]'
        '--json[Print JSON (an array; for large results use `passlog export --json`).]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_passlog_counts() {
    local -i ret=1
    local -ar ___decision=('pass' 'deny')
    local -ar ___direction=('in' 'out')
    local -ar ___by=('hour' 'checkpoint')
    local -ar arg_specs=(
        '--log[The pass log (SQLite).]:log:'
        '--from[From this time (inclusive).]:from:'
        '--to[Up to this time (exclusive).]:to:'
        '--checkpoint[The checkpoint id.]:checkpoint:'
        '--department[The department.]:department:'
        '--area[The area.]:area:'
        '--person[The person (see above).]:person:'
        '--decision[pass or deny.]:decision:{__hcard_complete "${___decision[@]}"}'
        '--direction[in or out.]:direction:{__hcard_complete "${___direction[@]}"}'
        '--by[hour or checkpoint.]:by:{__hcard_complete "${___by[@]}"}'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_passlog_export() {
    local -i ret=1
    local -ar ___decision=('pass' 'deny')
    local -ar ___direction=('in' 'out')
    local -ar arg_specs=(
        '--log[The pass log (SQLite).]:log:'
        '--from[From this time (inclusive).]:from:'
        '--to[Up to this time (exclusive).]:to:'
        '--checkpoint[The checkpoint id.]:checkpoint:'
        '--department[The department.]:department:'
        '--area[The area.]:area:'
        '--person[The person (see above).]:person:'
        '--decision[pass or deny.]:decision:{__hcard_complete "${___decision[@]}"}'
        '--direction[in or out.]:direction:{__hcard_complete "${___direction[@]}"}'
        '--csv[CSV (RFC 4180, CRLF).]'
        '--json[JSON (one array).]'
        '--out[Write to this file instead of standard output.]:out:'
        '--full-id[Show ID numbers in full.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_passlog_trajectory() {
    local -i ret=1
    local -ar arg_specs=(
        '--log[The pass log (SQLite).]:log:'
        '--person[The person.]:person:'
        '--days[Days to look back. Default\: 14.]:days:'
        '--now[The end of the period (default\: now).]:now:'
        '--full-id[Show ID numbers in full.]'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_passlog_companions() {
    local -i ret=1
    local -ar arg_specs=(
        '--log[The pass log (SQLite).]:log:'
        '--person[The person.]:person:'
        '--minutes[The window either side, in minutes. Default\: 10.]:minutes:'
        '--days[Days to look back. Default\: 14.]:days:'
        '--now[The end of the period (default\: now).]:now:'
        '--limit[At most this many companions. Default\: 100.]:limit:'
        '--full-id[Show ID numbers in full.]'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_passlog_frequency() {
    local -i ret=1
    local -ar ___decision=('pass' 'deny')
    local -ar ___direction=('in' 'out')
    local -ar arg_specs=(
        '--log[The pass log (SQLite).]:log:'
        '--from[From this time (inclusive).]:from:'
        '--to[Up to this time (exclusive).]:to:'
        '--checkpoint[The checkpoint id.]:checkpoint:'
        '--department[The department.]:department:'
        '--area[The area.]:area:'
        '--person[The person (see above).]:person:'
        '--decision[pass or deny.]:decision:{__hcard_complete "${___decision[@]}"}'
        '--direction[in or out.]:direction:{__hcard_complete "${___direction[@]}"}'
        '--min-visits[Only pairs with at least this many visits. Default\: 1.]:min-visits:'
        '--limit[At most this many rows. Default\: 100.]:limit:'
        '--full-id[Show ID numbers in full.]'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_passlog_inside() {
    local -i ret=1
    local -ar ___decision=('pass' 'deny')
    local -ar ___direction=('in' 'out')
    local -ar arg_specs=(
        '--log[The pass log (SQLite).]:log:'
        '--from[From this time (inclusive).]:from:'
        '--to[Up to this time (exclusive).]:to:'
        '--checkpoint[The checkpoint id.]:checkpoint:'
        '--department[The department.]:department:'
        '--area[The area.]:area:'
        '--person[The person (see above).]:person:'
        '--decision[pass or deny.]:decision:{__hcard_complete "${___decision[@]}"}'
        '--direction[in or out.]:direction:{__hcard_complete "${___direction[@]}"}'
        '--full-id[Show ID numbers in full.]'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_passlog_stays() {
    local -i ret=1
    local -ar ___decision=('pass' 'deny')
    local -ar ___direction=('in' 'out')
    local -ar arg_specs=(
        '--log[The pass log (SQLite).]:log:'
        '--from[From this time (inclusive).]:from:'
        '--to[Up to this time (exclusive).]:to:'
        '--checkpoint[The checkpoint id.]:checkpoint:'
        '--department[The department.]:department:'
        '--area[The area.]:area:'
        '--person[The person (see above).]:person:'
        '--decision[pass or deny.]:decision:{__hcard_complete "${___decision[@]}"}'
        '--direction[in or out.]:direction:{__hcard_complete "${___direction[@]}"}'
        '--full-id[Show ID numbers in full.]'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_passlog_departments() {
    local -i ret=1
    local -ar ___decision=('pass' 'deny')
    local -ar ___direction=('in' 'out')
    local -ar arg_specs=(
        '--log[The pass log (SQLite).]:log:'
        '--from[From this time (inclusive).]:from:'
        '--to[Up to this time (exclusive).]:to:'
        '--checkpoint[The checkpoint id.]:checkpoint:'
        '--department[The department.]:department:'
        '--area[The area.]:area:'
        '--person[The person (see above).]:person:'
        '--decision[pass or deny.]:decision:{__hcard_complete "${___decision[@]}"}'
        '--direction[in or out.]:direction:{__hcard_complete "${___direction[@]}"}'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_site() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'add:Register a site.'
            'list:List the sites.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        add|list)
            "_hcard_site_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_hcard_site_add() {
    local -i ret=1
    local -ar ___type=('feverClinic' 'pharmacy' 'observationSite' 'employer' 'checkpoint')
    local -ar arg_specs=(
        '--store[The registration store (SQLite, created on first use).]:store:'
        '--id[The site id.]:id:'
        '--type[feverClinic, pharmacy, observationSite, employer or checkpoint.]:type:{__hcard_complete "${___type[@]}"}'
        '--name[The site'\''s name.]:name:'
        '--region[Its county\: a current GB/T 2260 code (460106).]:region:'
        '--operator[The organisation running it.]:operator:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_site_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--store[The registration store.]:store:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_register() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'new:Register one person (or a site'\''s own filing) with a scenario'\''s form.'
            'forms:List the shipped forms, or show one form'\''s fields.'
            'list:List registrations per scenario, site and time.'
            'export:Export registrations to a CSV or JSON file (written atomically).'
            'purge:Delete registrations older than N days (the retention setting), with an audit entry.'
            'employees:An employer'\''s employees who registered their return, with their colour.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        new|forms|list|export|purge|employees)
            "_hcard_register_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_hcard_register_new() {
    local -i ret=1
    local -ar arg_specs=(
        ':form:'
        ':image:'
        '--text[The scanned text.]:text:'
        '--id[An ID number\: alone, the credential; with a health code, the ID card shown with it.]:id:'
        '--store[The registration store (SQLite, created on first use).]:store:'
        '--site[The site id (hcard site add).]:site:'
        '--operator[The staff member registering.]:operator:'
        '*--field[A field as id=value (repeatable).]:field:'
        '--values[A JSON object of field values.]:values:'
        '--trust[The trust list file (needed to accept codes).]:trust:'
        '--revoked[The revocation list file.]:revoked:'
        '--events[The health-code event store\: prefill from it, and record the scenario'\''s events in it.]:events:'
        '--rules[The rule set\: a shipped id or a rule file (with --events).]:rules:'
        '--now[Register as of this time (ISO 8601; no zone = China time) instead of now.]:now:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_register_forms() {
    local -i ret=1
    local -ar arg_specs=(
        ':form:'
        '--json[Print the form file (JSON).]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_register_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--store[The registration store.]:store:'
        '--site[Only this site.]:site:'
        '--form[Only this form (scenario).]:form:'
        '--from[From this time (ISO 8601; no zone = China time).]:from:'
        '--to[Before this time.]:to:'
        '--full-id[Show ID numbers in full.]'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_register_export() {
    local -i ret=1
    local -ar ___format=('csv' 'json')
    local -ar arg_specs=(
        '--store[The registration store.]:store:'
        '--site[Only this site.]:site:'
        '--form[Only this form (scenario).]:form:'
        '--from[From this time (ISO 8601; no zone = China time).]:from:'
        '--to[Before this time.]:to:'
        '--output[The output file.]:output:'
        '--format[csv or json.]:format:{__hcard_complete "${___format[@]}"}'
        '--full-id[Export ID numbers in full.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_register_purge() {
    local -i ret=1
    local -ar arg_specs=(
        '--store[The registration store.]:store:'
        '--older-than[Retention in days\: registrations older than this are deleted.]:older-than:'
        '--actor[Who runs the deletion (recorded in the audit trail).]:actor:'
        '--audit[Print the audit trail instead of deleting.]'
        '--now[Count the days back from this time instead of now.]:now:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_register_employees() {
    local -i ret=1
    local -ar arg_specs=(
        '--store[The registration store.]:store:'
        '--site[The employer'\''s site id.]:site:'
        '--events[The health-code event store.]:events:'
        '--rules[The rule set\: a shipped id or a rule file.]:rules:'
        '--full-id[Show ID numbers in full.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_clue() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'handler:Set the handler of a region (county, or prefecture/province as the fallback).'
            'report:Report a clue; it is routed and its handler notified.'
            'notify:Send a routed report that was not notified (the gateway failed).'
            'ack:The handler acknowledges a report.'
            'feedback:The handler'\''s feedback, which closes a report.'
            'list:List reports, oldest first.'
            'overdue:Supervision: open reports past their limits, per county.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        handler|report|notify|ack|feedback|list|overdue)
            "_hcard_clue_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_hcard_clue_handler() {
    local -i ret=1
    local -ar arg_specs=(
        '--store[The registration store.]:store:'
        '--outbox[The outbox directory of the SMS gateway.]:outbox:'
        '--ack-hours[Hours from the report to the acknowledgement before it is overdue.]:ack-hours:'
        '--feedback-hours[Hours from the report to the feedback before it is overdue.]:feedback-hours:'
        '--region[A current GB/T 2260 code.]:region:'
        '--name[The handling office.]:name:'
        '--phone[Its phone (the notification'\''s recipient).]:phone:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_clue_report() {
    local -i ret=1
    local -ar arg_specs=(
        '--store[The registration store.]:store:'
        '--outbox[The outbox directory of the SMS gateway.]:outbox:'
        '--ack-hours[Hours from the report to the acknowledgement before it is overdue.]:ack-hours:'
        '--feedback-hours[Hours from the report to the feedback before it is overdue.]:feedback-hours:'
        '--subject[What is reported.]:subject:'
        '--region[The county (GB/T 2260).]:region:'
        '--place[The place in words.]:place:'
        '--description[What was seen.]:description:'
        '--phone[The reporter'\''s phone, for feedback.]:phone:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_clue_notify() {
    local -i ret=1
    local -ar arg_specs=(
        '--store[The registration store.]:store:'
        '--outbox[The outbox directory of the SMS gateway.]:outbox:'
        '--ack-hours[Hours from the report to the acknowledgement before it is overdue.]:ack-hours:'
        '--feedback-hours[Hours from the report to the feedback before it is overdue.]:feedback-hours:'
        ':id:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_clue_ack() {
    local -i ret=1
    local -ar arg_specs=(
        '--store[The registration store.]:store:'
        '--outbox[The outbox directory of the SMS gateway.]:outbox:'
        '--ack-hours[Hours from the report to the acknowledgement before it is overdue.]:ack-hours:'
        '--feedback-hours[Hours from the report to the feedback before it is overdue.]:feedback-hours:'
        ':id:'
        '--by[Who acknowledges.]:by:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_clue_feedback() {
    local -i ret=1
    local -ar arg_specs=(
        '--store[The registration store.]:store:'
        '--outbox[The outbox directory of the SMS gateway.]:outbox:'
        '--ack-hours[Hours from the report to the acknowledgement before it is overdue.]:ack-hours:'
        '--feedback-hours[Hours from the report to the feedback before it is overdue.]:feedback-hours:'
        ':id:'
        '--text[What was done.]:text:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_clue_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--store[The registration store.]:store:'
        '--outbox[The outbox directory of the SMS gateway.]:outbox:'
        '--ack-hours[Hours from the report to the acknowledgement before it is overdue.]:ack-hours:'
        '--feedback-hours[Hours from the report to the feedback before it is overdue.]:feedback-hours:'
        '--region[Only this county.]:region:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_clue_overdue() {
    local -i ret=1
    local -ar arg_specs=(
        '--store[The registration store.]:store:'
        '--outbox[The outbox directory of the SMS gateway.]:outbox:'
        '--ack-hours[Hours from the report to the acknowledgement before it is overdue.]:ack-hours:'
        '--feedback-hours[Hours from the report to the feedback before it is overdue.]:feedback-hours:'
        '--now[Judge as of this time instead of now.]:now:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_empi() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'init:Create an index file; its scoring model is fixed at creation.'
            'domain:Register and list identifier domains (assigning authorities).'
            'ingest:Add a CSV file to the index through a column mapping; exit 1 if any line had a problem.'
            'match:Match one record against the index without writing; prints decision, candidates, explanation.'
            'query:PIX query: an identifier'\''s person and their identifiers in other domains.'
            'find:PDQ query: persons by name, birth date, sex and identifiers, a page at a time.'
            'link:Link a record to a person by hand (never undone by automatic matching).'
            'unlink:Take a record out of its person; later matching keeps them apart.'
            'merge:Merge a person into a survivor; the subsumed ID redirects to it.'
            'unmerge:Reverse the latest merge of a person, restoring the state before it.'
            'review:The review queue: list items, resolve them.'
            'events:Read the event table after a sequence number (register, update, link, unlink, merge, unmerge, account).'
            'stats:Counts: domains, records, persons, links by provenance, reviews, merges, events.'
            'explain:Explain how two stored records score against each other (JSON).'
            'dedupe:Find duplicate records in one CSV file (no database).'
            'link-files:Link the records of two CSV files (no database); only pairs across the files are written.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        init|domain|ingest|match|query|find|link|unlink|merge|unmerge|review|events|stats|explain|dedupe|link-files)
            "_hcard_empi_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_hcard_empi_init() {
    local -i ret=1
    local -ar arg_specs=(
        ':db:'
        '--model[A MatchModel JSON file (every key optional; defaults otherwise).]:model:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_empi_domain() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'add:Add or update a domain.'
            'list:List the registered domains.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        add|list)
            "_hcard_empi_domain_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_hcard_empi_domain_add() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The index SQLite file (created by `hcard empi init`).]:db:'
        '--code[The short code records use (no '\''\:'\'' or spaces).]:code:'
        '--name[Display name.]:name:'
        '--oid[The domain'\''s OID.]:oid:'
        '--type[The identifier type.]:type:'
        '--validator[gb11643 or none (default\: gb11643 for citizen-id, else none).]:validator:'
        '--uniqueness[unique or reusable.]:uniqueness:'
        '--issuer[Issuing organisation.]:issuer:'
        '--trust[Survivorship rank for golden records\: higher is more trusted.]:trust:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_empi_domain_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The index SQLite file (created by `hcard empi init`).]:db:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_empi_ingest() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The index SQLite file (created by `hcard empi init`).]:db:'
        '--csv[The CSV file (header first).]:csv:'
        '--mapping[The JSON column mapping.]:mapping:'
        '--actor[Who acts (stored with the link and the event).]:actor:'
        '--json[Print the summary as JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_empi_match() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The index SQLite file (created by `hcard empi init`).]:db:'
        '--json[The record as a JSON file, or - for standard input.]:json:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_empi_query() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The index SQLite file (created by `hcard empi init`).]:db:'
        '--domain[The source domain.]:domain:'
        '--id[The identifier value in that domain.]:id:'
        '*--target[Target domains (repeatable); default\: all.]:target:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_empi_find() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The index SQLite file (created by `hcard empi init`).]:db:'
        '--name[Full name, Hanzi or Latin.]:name:'
        '--birth-date[Birth date\: YYYYMMDD, YYYY-MM-DD or YYYY/M/D.]:birth-date:'
        '--sex[Sex\: 1/2, 男/女, M/F, male/female.]:sex:'
        '*--identifier[DOMAIN\:VALUE the person must hold (repeatable).]:identifier:'
        '--after[Only persons with a larger ID (the previous page'\''s next).]:after:'
        '--limit[Page size, 1-1000.]:limit:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_empi_link() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The index SQLite file (created by `hcard empi init`).]:db:'
        '--record[The record, DOMAIN\:ID.]:record:'
        '--person[The person (enterprise ID).]:person:'
        '--actor[Who acts (stored with the link and the event).]:actor:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_empi_unlink() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The index SQLite file (created by `hcard empi init`).]:db:'
        '--record[The record, DOMAIN\:ID.]:record:'
        '--actor[Who acts (stored with the link and the event).]:actor:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_empi_merge() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The index SQLite file (created by `hcard empi init`).]:db:'
        '--subsumed[The person to retire.]:subsumed:'
        '--survivor[The person that keeps both sets of records.]:survivor:'
        '--actor[Who acts (stored with the link and the event).]:actor:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_empi_unmerge() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The index SQLite file (created by `hcard empi init`).]:db:'
        '--person[The subsumed (retired) person.]:person:'
        '--actor[Who acts (stored with the link and the event).]:actor:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_empi_review() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'list:List open review items (all with --all).'
            'resolve:Resolve a review item: link the record to a person, or keep it separate.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        list|resolve)
            "_hcard_empi_review_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_hcard_empi_review_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The index SQLite file (created by `hcard empi init`).]:db:'
        '--all[Resolved items too.]'
        '--json[Print JSON (with explanations).]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_empi_review_resolve() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The index SQLite file (created by `hcard empi init`).]:db:'
        ':id:'
        '--link[Link the record to this person.]:link:'
        '--separate[Not the same person as any candidate.]'
        '--actor[Who acts (stored with the link and the event).]:actor:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_empi_events() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The index SQLite file (created by `hcard empi init`).]:db:'
        '--since[Only events after this sequence number.]:since:'
        '--limit[At most this many events.]:limit:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_empi_stats() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The index SQLite file (created by `hcard empi init`).]:db:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_empi_explain() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The index SQLite file (created by `hcard empi init`).]:db:'
        ':a:'
        ':b:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_empi_dedupe() {
    local -i ret=1
    local -ar arg_specs=(
        '--csv[The CSV file (header first).]:csv:'
        '--mapping[The JSON column mapping.]:mapping:'
        '--out[Where to write the pairs\: id_a,id_b,match_probability,decision.]:out:'
        '--clusters[Where to write the clusters\: record_id,person (default\: OUT with .clusters.csv).]:clusters:'
        '--model[A MatchModel JSON file (default\: the built-in model, as a new index uses).]:model:'
        '--estimate[Estimate m, u and λ from the data first (no labels needed); prints the chosen values.]'
        '--save-model[With --estimate\: write the estimated model (a MatchModel JSON file for --model).]:save-model:'
        '--json[Print a summary as JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_empi_link-files() {
    local -i ret=1
    local -ar arg_specs=(
        '--left[The first CSV file.]:left:'
        '--right[The second CSV file.]:right:'
        '--right-mapping[The mapping of the second file, when it differs.]:right-mapping:'
        '--mapping[The JSON column mapping.]:mapping:'
        '--out[Where to write the pairs\: id_a,id_b,match_probability,decision.]:out:'
        '--clusters[Where to write the clusters\: record_id,person (default\: OUT with .clusters.csv).]:clusters:'
        '--model[A MatchModel JSON file (default\: the built-in model, as a new index uses).]:model:'
        '--estimate[Estimate m, u and λ from the data first (no labels needed); prints the chosen values.]'
        '--save-model[With --estimate\: write the estimated model (a MatchModel JSON file for --model).]:save-model:'
        '--json[Print a summary as JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_account() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'register:Register a real-name identity; the same person twice gets the same account.'
            'show:Show an account with its cards and bank bindings.'
            'update:Change phone or address; the change is fed to the EMPI person (an update event).'
            'cancel:Cancel an account and its cards: only for emigration or death. Its QR codes stop verifying.'
            'lost:Report a physical card lost: it is blacklisted until found (hcard blacklist remove).'
            'replace:Replace a physical card: the old one is blacklisted, the new one issued to the same person.'
            'bind-bank:Bind a bank card; only a token and the masked number are stored.'
            'unbind-bank:Unbind a bank card.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        register|show|update|cancel|lost|replace|bind-bank|unbind-bank)
            "_hcard_account_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_hcard_account_register() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The EMPI index file holding the accounts (created if missing).]:db:'
        '--actor[Who performs the operation (recorded in the operation log).]:actor:'
        '--name[The holder'\''s name.]:name:'
        '--id[The citizen ID (GB 11643; checked).]:id:'
        '--phone[Mobile phone.]:phone:'
        '--address[Address.]:address:'
        '--channel[Registration channel (app, wechat, hospital-window, …).]:channel:'
        '--card[A physical resident health card number to register with the account.]:card:'
        '--json[Print JSON\: the account, whether it was created, the EMPI decision.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_account_show() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The EMPI index file holding the accounts (created if missing).]:db:'
        '--actor[Who performs the operation (recorded in the operation log).]:actor:'
        '--id[The holder'\''s citizen ID.]:id:'
        '--ecard[The electronic card ID.]:ecard:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_account_update() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The EMPI index file holding the accounts (created if missing).]:db:'
        '--actor[Who performs the operation (recorded in the operation log).]:actor:'
        '--id[The holder'\''s citizen ID.]:id:'
        '--ecard[The electronic card ID.]:ecard:'
        '--phone[New phone.]:phone:'
        '--address[New address.]:address:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_account_cancel() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The EMPI index file holding the accounts (created if missing).]:db:'
        '--actor[Who performs the operation (recorded in the operation log).]:actor:'
        '--id[The holder'\''s citizen ID.]:id:'
        '--ecard[The electronic card ID.]:ecard:'
        '--reason[emigration or death.]:reason:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_account_lost() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The EMPI index file holding the accounts (created if missing).]:db:'
        '--actor[Who performs the operation (recorded in the operation log).]:actor:'
        '--card[The card number.]:card:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_account_replace() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The EMPI index file holding the accounts (created if missing).]:db:'
        '--actor[Who performs the operation (recorded in the operation log).]:actor:'
        '--card[The old card number.]:card:'
        '--new-card[The new card number.]:new-card:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_account_bind-bank() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The EMPI index file holding the accounts (created if missing).]:db:'
        '--actor[Who performs the operation (recorded in the operation log).]:actor:'
        '--id[The holder'\''s citizen ID.]:id:'
        '--ecard[The electronic card ID.]:ecard:'
        '--bank-card[The bank card number (Luhn-checked; never stored in clear).]:bank-card:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_account_unbind-bank() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The EMPI index file holding the accounts (created if missing).]:db:'
        '--actor[Who performs the operation (recorded in the operation log).]:actor:'
        '--id[The holder'\''s citizen ID.]:id:'
        '--ecard[The electronic card ID.]:ecard:'
        '--bank-card[The bank card number.]:bank-card:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_blacklist() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'add:Blacklist a card number.'
            'remove:Take a number off the blacklist; it is recorded on the whitelist, a lost card is issued again.'
            'list:List the blacklist.'
            'export:Write the blacklist as a platform file.'
            'import:Apply a blacklist platform file (all or nothing, idempotent).'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        add|remove|list|export|import)
            "_hcard_blacklist_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_hcard_blacklist_add() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The EMPI index file holding the accounts (created if missing).]:db:'
        '--actor[Who performs the operation (recorded in the operation log).]:actor:'
        '--card[The card number.]:card:'
        '--reason[Why.]:reason:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_blacklist_remove() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The EMPI index file holding the accounts (created if missing).]:db:'
        '--actor[Who performs the operation (recorded in the operation log).]:actor:'
        '--card[The card number.]:card:'
        '--reason[Why.]:reason:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_blacklist_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The EMPI index file holding the accounts (created if missing).]:db:'
        '--actor[Who performs the operation (recorded in the operation log).]:actor:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_blacklist_export() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The EMPI index file holding the accounts (created if missing).]:db:'
        '--actor[Who performs the operation (recorded in the operation log).]:actor:'
        '--source[This platform'\''s name, written in the header.]:source:'
        '--out[The file to write (default\: standard output).]:out:'
        '--since[Blacklist or whitelist only\: write just the changes after this list version (a blacklist-changes file of numbered adds and removes). The version a file brings the receiver to is printed (on standard error when the file goes to standard output).]:since:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_blacklist_import() {
    local -i ret=1
    local -ar arg_specs=(
        '--db[The EMPI index file holding the accounts (created if missing).]:db:'
        '--actor[Who performs the operation (recorded in the operation log).]:actor:'
        ':file:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_platform() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'export:Write a platform file.'
            'import:Apply a platform file (all or nothing, idempotent).'
            'sign-request:Sign a request body for Tencent'\''s health-card open platform (SHA-256, Base64).'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        export|import|sign-request)
            "_hcard_platform_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_hcard_platform_export() {
    local -i ret=1
    local -ar ___kind=('card' 'blacklist' 'whitelist' 'resident' 'oplog' 'blacklist-changes' 'whitelist-changes')
    local -ar arg_specs=(
        '--kind[card, blacklist, whitelist, resident, oplog, blacklist-changes or whitelist-changes.]:kind:{__hcard_complete "${___kind[@]}"}'
        '--db[The EMPI index file holding the accounts (created if missing).]:db:'
        '--actor[Who performs the operation (recorded in the operation log).]:actor:'
        '--source[This platform'\''s name, written in the header.]:source:'
        '--out[The file to write (default\: standard output).]:out:'
        '--since[Blacklist or whitelist only\: write just the changes after this list version (a blacklist-changes file of numbered adds and removes). The version a file brings the receiver to is printed (on standard error when the file goes to standard output).]:since:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_platform_import() {
    local -i ret=1
    local -ar ___kind=('card' 'blacklist' 'whitelist' 'resident' 'oplog' 'blacklist-changes' 'whitelist-changes')
    local -ar arg_specs=(
        '--kind[card, blacklist, whitelist, resident or oplog.]:kind:{__hcard_complete "${___kind[@]}"}'
        '--db[The EMPI index file holding the accounts (created if missing).]:db:'
        '--actor[Who performs the operation (recorded in the operation log).]:actor:'
        ':file:'
        '--json[Print JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_platform_sign-request() {
    local -i ret=1
    local -ar arg_specs=(
        ':body:'
        '--secret-file[A file holding the app secret (its first line). Default\: HCARD_TENCENT_APP_SECRET.]:secret-file:'
        '--sign-only[Print only the signature.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_fixtures() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'validate:Validate fixture files; one line per finding, exit 1 on any error.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        validate)
            "_hcard_fixtures_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_hcard_fixtures_validate() {
    local -i ret=1
    local -ar arg_specs=(
        '*:paths:'
        '--trust[The trust list for signed codes (default\: trust.json beside each fixture).]:trust:'
        '--revoked[The revocation list (default\: revoked.json beside each fixture).]:revoked:'
        '--mapping[The field mapping for EMPI CSVs (default\: NAME.mapping.json or mapping.json beside each).]:mapping:'
        '--now[Check codes as of this time (ISO 8601 with zone) instead of now.]:now:'
        '--json[Print a JSON report {files, findings, passed} instead of lines.]'
        '--max-pixels[Refuse image files whose header declares more pixels than this (default 40000000).]:N:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_demo() {
    local -i ret=1
    local -ar arg_specs=(
        '--dir[Keep the card image and the QR image in this directory (created if missing).]:dir:'
        '--terminal-qr[Draw the QR code in the terminal.]'
        '--no-terminal-qr[Draw the QR code in the terminal.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_serve() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'run:Run the server (the default).'
            'key:Manage the API keys: add (prints the key once), list, revoke.'
            'copy-index:Copy the SQLite EMPI index into an empty PostgreSQL database, to move to several nodes.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        run|key|copy-index)
            "_hcard_serve_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_hcard_serve_run() {
    local -i ret=1
    local -ar arg_specs=(
        '--config[A JSON configuration file.]:config:'
        '--db[The index file (SQLite); the server'\''s own state is kept beside it. Default\: hcard-serve.sqlite.]:db:'
        '--postgres[postgres\://USER\[\:PASSWORD\]@HOST\[\:PORT\]/DATABASE\: share this PostgreSQL database with other nodes instead of the SQLite files.]:postgres:'
        '--listen[HOST\:PORT to listen on. Default\: 127.0.0.1\:8080.]:listen:'
        '--trust[The trust list for code verification.]:trust:'
        '--revoked[A revocation list, added to the cards the accounts refuse.]:revoked:'
        '--skew[Allowed clock difference in seconds for verification. Default\: 30.]:skew:'
        '--log-level[trace, debug, info, notice, warning, error or critical. Default\: info.]:log-level:'
        '--health-code-db[The GB/T 38963 health-code event store. Default\: beside --db, <db>-health-code.sqlite (with --postgres\: the shared database).]:health-code-db:'
        '--rules[The health-code colour rule set. Default\: hainan-2022-09.]:rules:'
        '--issuer-key[The SM2 private key (PEM) that signs issued health codes. Default\: none (no issuing).]:issuer-key:'
        '--pass-log[The checkpoint pass log. Default\: beside --db, <db>-pass-log.sqlite.]:pass-log:'
        '--checkpoint-policy[The checkpoint policy JSON (as for hcard checkpoint scan). Default\: the default policy.]:checkpoint-policy:'
        '--require-code-application[Issue a health code only with a grant from POST /v1/health-code/applications (GB/T 38963 §6.5).]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_serve_key() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'add:Create a key and print it; only its salted SM3 hash is stored.'
            'list:List the keys: name, id, roles, state (never secrets).'
            'revoke:Revoke the key with this name.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        add|list|revoke)
            "_hcard_serve_key_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_hcard_serve_key_add() {
    local -i ret=1
    local -ar arg_specs=(
        '--config[A JSON configuration file.]:config:'
        '--db[The index file (SQLite); the server'\''s own state is kept beside it. Default\: hcard-serve.sqlite.]:db:'
        '--postgres[postgres\://USER\[\:PASSWORD\]@HOST\[\:PORT\]/DATABASE\: share this PostgreSQL database with other nodes instead of the SQLite files.]:postgres:'
        '--name[The client'\''s name (letters, digits, '\''-'\'', '\''_'\'', '\''.'\'').]:name:'
        '--roles[Comma-separated roles.]:roles:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_serve_key_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--config[A JSON configuration file.]:config:'
        '--db[The index file (SQLite); the server'\''s own state is kept beside it. Default\: hcard-serve.sqlite.]:db:'
        '--postgres[postgres\://USER\[\:PASSWORD\]@HOST\[\:PORT\]/DATABASE\: share this PostgreSQL database with other nodes instead of the SQLite files.]:postgres:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_serve_key_revoke() {
    local -i ret=1
    local -ar arg_specs=(
        '--config[A JSON configuration file.]:config:'
        '--db[The index file (SQLite); the server'\''s own state is kept beside it. Default\: hcard-serve.sqlite.]:db:'
        '--postgres[postgres\://USER\[\:PASSWORD\]@HOST\[\:PORT\]/DATABASE\: share this PostgreSQL database with other nodes instead of the SQLite files.]:postgres:'
        '--name[The key'\''s name.]:name:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_serve_copy-index() {
    local -i ret=1
    local -ar arg_specs=(
        '--config[A JSON configuration file.]:config:'
        '--db[The index file (SQLite); the server'\''s own state is kept beside it. Default\: hcard-serve.sqlite.]:db:'
        '--postgres[postgres\://USER\[\:PASSWORD\]@HOST\[\:PORT\]/DATABASE\: share this PostgreSQL database with other nodes instead of the SQLite files.]:postgres:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_readers() {
    local -i ret=1
    local -ar arg_specs=(
        '--json[Print the readers as JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_atr() {
    local -i ret=1
    local -ar arg_specs=(
        '--reader[PC/SC reader (full name or a unique part of it). Default\: the only reader with a card.]:reader:'
        '--wait[Wait up to this many seconds for a card (in --reader, or in any reader).]:wait:'
        '--json[Print the ATR as JSON.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_apdu() {
    local -i ret=1
    local -ar arg_specs=(
        '*:apdus:'
        '--reader[PC/SC reader (full name or a unique part of it). Default\: the only reader with a card.]:reader:'
        '--trace[Print every APDU and status word to standard error (PIN bytes masked).]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_emulate() {
    local -i ret=1
    local -ar arg_specs=(
        '--image[The card image (see `hcard card new`).]:image:'
        '--host[Host where vpcd (inside pcscd) listens.]:host:'
        '--port[vpcd port of the card'\''s slot (Virtual PCD 00 00).]:port:'
        '--sam-port[vpcd port of the SAM'\''s slot (Virtual PCD 00 01).]:sam-port:'
        '--no-sam[Attach only the card, no SAM.]'
        '--t0[Behave as a T=0 card\: a T=0-only ATR, data through 61xx + GET RESPONSE, 6Cxx for a wrong Le.]'
        '--trace[Print every APDU the card and SAM receive to standard error.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_hcard_help() {
    local -i ret=1
    local -ar arg_specs=(
        '*:subcommands:'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

if [[ "${funcstack[1]}" = _hcard ]]; then
    _hcard "${@}"
else
    compdef _hcard hcard
fi
