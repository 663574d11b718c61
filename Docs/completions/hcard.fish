function __hcard_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __hcard_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __hcard_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __hcard_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __hcard_parse_tokens -S
    set -l unparsed_tokens (__hcard_tokens -pc)
    switch $unparsed_tokens[1]
    case 'hcard'
        __hcard_parse_subcommand 0 'h/help'
        switch $unparsed_tokens[1]
        case 'id'
            __hcard_parse_subcommand 0 'h/help'
            switch $unparsed_tokens[1]
            case 'check'
                __hcard_parse_subcommand -r 1 'json' 'strict' 'today=' 'h/help'
            end
        case 'codes'
            __hcard_parse_subcommand 1 'json' 'h/help'
        case 'card'
            __hcard_parse_subcommand 0 'h/help'
            switch $unparsed_tokens[1]
            case 'new'
                __hcard_parse_subcommand 0 'holder=' 'issuer=' 'image=' 'force' 'h/help'
            case 'layout'
                __hcard_parse_subcommand 0 'markdown' 'h/help'
            end
        case 'read'
            __hcard_parse_subcommand 0 'image=' 'reader=' 'sam-reader=' 'sam-pin=' 'card-factor=' 'trace' 'json' 'h/help'
        case 'write'
            __hcard_parse_subcommand 1 'from=' 'image=' 'reader=' 'sam-reader=' 'sam-pin=' 'card-factor=' 'trace' 'json' 'h/help'
        case 'erase'
            __hcard_parse_subcommand 2 'image=' 'reader=' 'sam-reader=' 'sam-pin=' 'card-factor=' 'trace' 'h/help'
        case 'keys'
            __hcard_parse_subcommand 0 'h/help'
            switch $unparsed_tokens[1]
            case 'generate'
                __hcard_parse_subcommand 0 'out=' 'public=' 'force' 'json' 'h/help'
            case 'public'
                __hcard_parse_subcommand 0 'key=' 'out=' 'force' 'json' 'h/help'
            case 'trust'
                __hcard_parse_subcommand 0 'h/help'
                switch $unparsed_tokens[1]
                case 'add'
                    __hcard_parse_subcommand 0 'trust=' 'public=' 'issuer=' 'valid-from=' 'valid-to=' 'replace' 'json' 'h/help'
                case 'list'
                    __hcard_parse_subcommand 0 'trust=' 'json' 'h/help'
                end
            case 'revoke'
                __hcard_parse_subcommand 0 'revoked=' 'card-id=+' 'key-id=+' 'json' 'h/help'
            end
        case 'qr'
            __hcard_parse_subcommand 0 'h/help'
            switch $unparsed_tokens[1]
            case 'issue'
                __hcard_parse_subcommand 0 'card-id=' 'static' 'dynamic' 'window=' 'key=' 'now=' 'png=' 'svg=' 'terminal' 'invert' 'ec=' 'module-size=' 'quiet-zone=' 'json' 'h/help'
            case 'decode'
                __hcard_parse_subcommand -r 1 'grey=' 'json' 'h/help'
            case 'verify'
                __hcard_parse_subcommand -r 1 'text=' 'trust=' 'revoked=' 'skew=' 'now=' 'replay-cache=' 'grey=' 'json' 'h/help'
            case 'batch'
                __hcard_parse_subcommand 0 'csv=' 'out=' 'key=' 'format=' 'jobs=' 'ec=' 'module-size=' 'quiet-zone=' 'now=' 'json' 'h/help'
            end
        case 'code'
            __hcard_parse_subcommand 0 'h/help'
            switch $unparsed_tokens[1]
            case 'declare'
                __hcard_parse_subcommand 0 'db=' 'rules=' 'from=' 'at=' 'json' 'h/help'
            case 'trip'
                __hcard_parse_subcommand 0 'db=' 'rules=' 'person=' 'region=' 'country=' 'arrival=' 'departure=' 'risk-area' 'at=' 'json' 'h/help'
            case 'event'
                __hcard_parse_subcommand 0 'db=' 'rules=' 'person=' 'kind=' 'abnormal' 'positive' 'excludes-covid' 'status=' 'minutes=' 'to=' 'reason=' 'actor=' 'at=' 'json' 'h/help'
            case 'correct'
                __hcard_parse_subcommand 0 'db=' 'rules=' 'person=' 'event=' 'reason=' 'actor=' 'json' 'h/help'
            case 'issue'
                __hcard_parse_subcommand 0 'db=' 'rules=' 'person=' 'key=' 'region=' 'valid=' 'at=' 'symbology=' 'png=' 'svg=' 'terminal' 'json' 'h/help'
            case 'verify'
                __hcard_parse_subcommand 1 'text=' 'trust=' 'revoked=' 'person=' 'db=' 'skew=' 'now=' 'json' 'h/help'
            case 'status'
                __hcard_parse_subcommand 0 'db=' 'rules=' 'person=' 'at=' 'json' 'h/help'
            end
        case 'fixtures'
            __hcard_parse_subcommand 0 'h/help'
            switch $unparsed_tokens[1]
            case 'validate'
                __hcard_parse_subcommand -r 1 'trust=' 'revoked=' 'mapping=' 'now=' 'json' 'h/help'
            end
        case 'demo'
            __hcard_parse_subcommand 0 'dir=' 'terminal-qr' 'no-terminal-qr' 'h/help'
        case 'readers'
            __hcard_parse_subcommand 0 'json' 'h/help'
        case 'atr'
            __hcard_parse_subcommand 0 'reader=' 'wait=' 'json' 'h/help'
        case 'apdu'
            __hcard_parse_subcommand -r 1 'reader=' 'trace' 'h/help'
        case 'emulate'
            __hcard_parse_subcommand 0 'image=' 'host=' 'port=' 'sam-port=' 'no-sam' 't0' 'trace' 'h/help'
        case 'help'
            __hcard_parse_subcommand -r 1 
        end
    end
end

function __hcard_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __hcard_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __hcard_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __hcard_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__hcard_tokens -p)
    if test -z "$(__hcard_tokens -t)"
        set -l index (count (__hcard_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'hcard' -f
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard" -eq 1' -fa 'id' -d 'Citizen identity numbers (GB 11643-1999).'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard" -eq 1' -fa 'codes' -d 'List the national code tables, or the entries of one table.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard" -eq 1' -fa 'card' -d 'Create virtual card images and show the card layout.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard" -eq 1' -fa 'read' -d 'Read the whole card: issuer, holder, personal and medical data, encounter records.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard" -eq 1' -fa 'write' -d 'Write a record to the card from a JSON file.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard" -eq 1' -fa 'erase' -d 'Mark an outpatient or inpatient slot empty (DF03 index, UK_DF03_2).'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard" -eq 1' -fa 'keys' -d 'Issuer keys for signed QR codes: generate, export, trust, revoke.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard" -eq 1' -fa 'qr' -d 'Signed, offline-verifiable QR codes for e-health cards.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard" -eq 1' -fa 'code' -d 'Health codes: declarations, events, colour status, signed HCC1 codes.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard" -eq 1' -fa 'fixtures' -d 'Check fixture files: card images, QR payloads and images, EMPI mappings and CSVs.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard" -eq 1' -fa 'demo' -d 'A tour on a built-in example: card, visit, QR code, verification, patient match.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard" -eq 1' -fa 'readers' -d 'List the PC/SC readers, whether each holds a card, and its ATR.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard" -eq 1' -fa 'atr' -d 'Show the ATR of the card in a reader: protocols, historical bytes, extended length.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard" -eq 1' -fa 'apdu' -d 'Send command APDUs (hex) to the card in a reader and print the responses.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard" -eq 1' -fa 'emulate' -d 'Put the virtual card from a card image into a vpcd reader slot (and the virtual SAM into the next).'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard id" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard id" -eq 1' -fa 'check' -d 'Validate citizen IDs and show birth date, sex and region.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard id check" json' -l 'json' -d 'Print a JSON array, one object per ID.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard id check" strict' -l 'strict' -d 'Treat warnings (unknown or retired region, implausible age) as errors.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard id check" today' -l 'today' -d 'Check dates against this day (YYYY-MM-DD) instead of today in China.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard id check" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard codes" json' -l 'json' -d 'Print JSON.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard codes" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard card" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard card" -eq 1' -fa 'new' -d 'Personalise a virtual resident health card into an image file.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard card" -eq 1' -fa 'layout' -d 'Print the card layout: every DF, EF and field (the table Docs/card-layout.md is made from).'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard card new" holder' -l 'holder' -d 'Holder record JSON: name, sex, ethnicity, birthDate, idNumber.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard card new" issuer' -l 'issuer' -d 'Issuer record JSON (DDF1/EF05). Default: a test issuer.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard card new" image' -l 'image' -d 'Card image to create.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard card new" force' -l 'force' -d 'Overwrite an existing image.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard card new" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard card layout" markdown' -l 'markdown' -d 'Markdown, as in Docs/card-layout.md.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard card layout" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard read" image' -l 'image' -d 'A card image file: runs the real session against the virtual card and the virtual test SAM.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard read" reader' -l 'reader' -d 'PC/SC reader holding the card (without --image). Default: the only reader with a card.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard read" sam-reader' -l 'sam-reader' -d 'PC/SC reader holding the SAM. Without one, only the issuer data (DDF1/EF05) can be read.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard read" sam-pin' -l 'sam-pin' -d 'SAM PIN as hex digits (default: the virtual SAM\'s test PIN 123456).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard read" card-factor' -l 'card-factor' -d 'Where the card diversification factor sits in the ATR: lastEightHistoricalBytes, eightFromByteFive.' -rfka 'lastEightHistoricalBytes eightFromByteFive'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard read" trace' -l 'trace' -d 'Print every APDU and status word to standard error (PIN bytes masked).'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard read" json' -l 'json' -d 'Print the card as JSON.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard read" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard write" -eq 1' -fka 'payment addresses contacts occupation documents clinical special allergy immunization outpatient inpatient photo'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard write" from' -l 'from' -d 'The record as JSON (for photo: a JPEG file).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard write" image' -l 'image' -d 'A card image file: runs the real session against the virtual card and the virtual test SAM.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard write" reader' -l 'reader' -d 'PC/SC reader holding the card (without --image). Default: the only reader with a card.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard write" sam-reader' -l 'sam-reader' -d 'PC/SC reader holding the SAM. Without one, only the issuer data (DDF1/EF05) can be read.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard write" sam-pin' -l 'sam-pin' -d 'SAM PIN as hex digits (default: the virtual SAM\'s test PIN 123456).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard write" card-factor' -l 'card-factor' -d 'Where the card diversification factor sits in the ATR: lastEightHistoricalBytes, eightFromByteFive.' -rfka 'lastEightHistoricalBytes eightFromByteFive'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard write" trace' -l 'trace' -d 'Print every APDU and status word to standard error (PIN bytes masked).'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard write" json' -l 'json' -d 'Print the result as JSON.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard write" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard erase" -eq 1' -fka 'inpatient outpatient'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard erase" image' -l 'image' -d 'A card image file: runs the real session against the virtual card and the virtual test SAM.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard erase" reader' -l 'reader' -d 'PC/SC reader holding the card (without --image). Default: the only reader with a card.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard erase" sam-reader' -l 'sam-reader' -d 'PC/SC reader holding the SAM. Without one, only the issuer data (DDF1/EF05) can be read.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard erase" sam-pin' -l 'sam-pin' -d 'SAM PIN as hex digits (default: the virtual SAM\'s test PIN 123456).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard erase" card-factor' -l 'card-factor' -d 'Where the card diversification factor sits in the ATR: lastEightHistoricalBytes, eightFromByteFive.' -rfka 'lastEightHistoricalBytes eightFromByteFive'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard erase" trace' -l 'trace' -d 'Print every APDU and status word to standard error (PIN bytes masked).'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard erase" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard keys" -eq 1' -fa 'generate' -d 'Generate an SM2 issuer key; the private key goes only to a 0600 file.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard keys" -eq 1' -fa 'public' -d 'Print (or write) the public key and key id of a key file.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard keys" -eq 1' -fa 'trust' -d 'Manage the trust list: the keys checkpoints accept.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard keys" -eq 1' -fa 'revoke' -d 'Revoke cards or issuer keys in a revocation list (created if missing).'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys generate" out' -l 'out' -d 'The private key file to create (mode 0600).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys generate" public' -l 'public' -d 'Also write the public key (PEM) to this file.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys generate" force' -l 'force' -d 'Replace existing files.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys generate" json' -l 'json' -d 'Print JSON.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys generate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys public" key' -l 'key' -d 'A private or public key PEM file.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys public" out' -l 'out' -d 'Write the public key PEM to this file instead of printing it.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys public" force' -l 'force' -d 'Replace an existing --out file.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys public" json' -l 'json' -d 'Print JSON.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys public" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys trust" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard keys trust" -eq 1' -fa 'add' -d 'Add a public key to a trust list (created if missing).'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard keys trust" -eq 1' -fa 'list' -d 'List the keys of a trust list.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys trust add" trust' -l 'trust' -d 'The trust list file.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys trust add" public' -l 'public' -d 'The issuer\'s public key PEM (a private key file also works).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys trust add" issuer' -l 'issuer' -d 'The issuer\'s name, shown with verdicts.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys trust add" valid-from' -l 'valid-from' -d 'Start of the key\'s validity period (ISO 8601 with zone). Default: now.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys trust add" valid-to' -l 'valid-to' -d 'End of the key\'s validity period (ISO 8601 with zone). Default: 365 days after the start.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys trust add" replace' -l 'replace' -d 'Replace an entry with the same key id.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys trust add" json' -l 'json' -d 'Print JSON.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys trust add" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys trust list" trust' -l 'trust' -d 'The trust list file.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys trust list" json' -l 'json' -d 'Print JSON.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys trust list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys revoke" revoked' -l 'revoked' -d 'The revocation list file.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys revoke"' -l 'card-id' -d 'A card id to revoke ([0-9A-Za-z]{1,64}).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys revoke"' -l 'key-id' -d 'An issuer key id to revoke (16 hex digits).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys revoke" json' -l 'json' -d 'Print JSON.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard keys revoke" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard qr" -eq 1' -fa 'issue' -d 'Issue a signed code; print its QR text or draw it as PNG, SVG or terminal blocks.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard qr" -eq 1' -fa 'decode' -d 'Scan QR images and print what they say, WITHOUT verifying anything.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard qr" -eq 1' -fa 'verify' -d 'Verify signed codes offline (text or images) and print the verdicts; exit 1 unless all valid.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard qr" -eq 1' -fa 'batch' -d 'Issue signed codes for every line of a CSV file, as PNG or SVG files, in parallel.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr issue" card-id' -l 'card-id' -d 'The card id, [0-9A-Za-z]{1,64}.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr issue" static' -l 'static' -d 'A static code: no expiry of its own (health-code.md §4.1 type 1).'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr issue" dynamic' -l 'dynamic' -d 'A dynamic code, valid for --window seconds (type 0).'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr issue" window' -l 'window' -d 'Validity of a dynamic code in seconds, 1...65535. Default: 300.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr issue" key' -l 'key' -d 'The issuer\'s private key PEM file.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr issue" now' -l 'now' -d 'Issue time (ISO 8601 with zone) instead of now; for tests and back-filling.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr issue" png' -l 'png' -d 'Write the symbol as a PNG file.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr issue" svg' -l 'svg' -d 'Write the symbol as an SVG file.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr issue" terminal' -l 'terminal' -d 'Print the symbol on the terminal (UTF-8 half blocks).'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr issue" invert' -l 'invert' -d 'With --terminal: dark modules in the foreground colour, for light terminals.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr issue" ec' -l 'ec' -d 'Error correction: L (7 %), M (15 %), Q (25 %) or H (30 %).' -rfka 'L M Q H'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr issue" module-size' -l 'module-size' -d 'Pixels per module in PNG images, 1...64.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr issue" quiet-zone' -l 'quiet-zone' -d 'White margin in modules (ISO/IEC 18004 asks for 4).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr issue" json' -l 'json' -d 'Print JSON with the decoded fields (and the QR symbol\'s size and files).'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr issue" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr decode" grey' -l 'grey' -d 'Read the inputs as raw 8-bit grey frames (Y800) of this size, e.g. 640x480.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr decode" json' -l 'json' -d 'Print JSON: one object per input with its symbols.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr decode" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr verify" text' -l 'text' -d 'The scanned text. Without it or images, the first line of standard input.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr verify" trust' -l 'trust' -d 'The trust list file.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr verify" revoked' -l 'revoked' -d 'The revocation list file.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr verify" skew' -l 'skew' -d 'Allowed clock difference in seconds. Default: 30.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr verify" now' -l 'now' -d 'Verify as of this time (ISO 8601 with zone) instead of now.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr verify" replay-cache' -l 'replay-cache' -d 'Remember accepted dynamic codes in this JSON file across runs.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr verify" grey' -l 'grey' -d 'Read the inputs as raw 8-bit grey frames (Y800) of this size, e.g. 640x480.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr verify" json' -l 'json' -d 'Print JSON: valid, reason, message, offset and the decoded fields.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr verify" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr batch" csv' -l 'csv' -d 'The input CSV file (header card_id,kind[,window]).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr batch" out' -l 'out' -d 'The output directory (created if missing).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr batch" key' -l 'key' -d 'The issuer\'s private key PEM file.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr batch" format' -l 'format' -d 'Image format: png or svg.' -rfka 'png svg'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr batch" jobs' -l 'jobs' -d 'Parallel workers. Default: the number of cores.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr batch" ec' -l 'ec' -d 'Error correction: L (7 %), M (15 %), Q (25 %) or H (30 %).' -rfka 'L M Q H'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr batch" module-size' -l 'module-size' -d 'Pixels per module in PNG images, 1...64.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr batch" quiet-zone' -l 'quiet-zone' -d 'White margin in modules (ISO/IEC 18004 asks for 4).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr batch" now' -l 'now' -d 'One issue time for every code (ISO 8601 with zone) instead of the clock at each code.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr batch" json' -l 'json' -d 'Print a JSON summary: counts, errors, skipped files and the manifest path.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard qr batch" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard code" -eq 1' -fa 'declare' -d 'Record a health declaration (GB/T 38963 §6.2); exit 1 listing every violation.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard code" -eq 1' -fa 'trip' -d 'Record a trip declaration of one stop (GB/T 38963 §6.3).'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard code" -eq 1' -fa 'event' -d 'Record an event: check-in, test result, fever-clinic visit, case, exposure, manual conversion.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard code" -eq 1' -fa 'correct' -d 'Retract a stored event (GB/T 38963 §6.8 correction); the original stays on record.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard code" -eq 1' -fa 'issue' -d 'Issue a signed health code (制码) with the colour the person\'s history gives now.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard code" -eq 1' -fa 'verify' -d 'Verify a health code (验码) offline; exit 1 unless valid.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard code" -eq 1' -fa 'status' -d 'The person\'s colour on a date, every active reason and when each ends.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code declare" db' -l 'db' -d 'The SQLite event store (created on first use).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code declare" rules' -l 'rules' -d 'The colour rule set: hainan-2020-02, hainan-2021-08, hainan-2022-05, hainan-2022-09.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code declare" from' -l 'from' -d 'The declaration JSON file, or - for standard input.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code declare" at' -l 'at' -d 'When it was declared: ISO 8601 (a time without a zone is China time). Default: now.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code declare" json' -l 'json' -d 'Print JSON.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code declare" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code trip" db' -l 'db' -d 'The SQLite event store (created on first use).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code trip" rules' -l 'rules' -d 'The colour rule set: hainan-2020-02, hainan-2021-08, hainan-2022-05, hainan-2022-09.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code trip" person' -l 'person' -d 'The person: a citizen ID, or TT:NUMBER with a CV02.01.101 document type.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code trip" region' -l 'region' -d 'The place in China, a 6-digit GB/T 2260 code.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code trip" country' -l 'country' -d 'The place abroad, a GB/T 2659 alpha-3 code.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code trip" arrival' -l 'arrival' -d 'Arrival date, YYYY-MM-DD.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code trip" departure' -l 'departure' -d 'Departure date, YYYY-MM-DD.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code trip" risk-area' -l 'risk-area' -d 'The place was a medium- or high-risk area.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code trip" at' -l 'at' -d 'When it was declared (ISO 8601; no zone = China time). Default: now.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code trip" json' -l 'json' -d 'Print JSON.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code trip" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code event" db' -l 'db' -d 'The SQLite event store (created on first use).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code event" rules' -l 'rules' -d 'The colour rule set: hainan-2020-02, hainan-2021-08, hainan-2022-05, hainan-2022-09.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code event" person' -l 'person' -d 'The person: a citizen ID, or TT:NUMBER with a CV02.01.101 document type.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code event" kind' -l 'kind' -d 'check-in, test-result, fever-clinic, case-opened, case-closed, exposure, manual-conversion.' -rfka 'check-in test-result fever-clinic case-opened case-closed exposure manual-conversion'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code event" abnormal' -l 'abnormal' -d 'check-in: symptoms or an abnormal temperature.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code event" positive' -l 'positive' -d 'test-result: positive (default negative).'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code event" excludes-covid' -l 'excludes-covid' -d 'fever-clinic: a re-visit that excludes COVID.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code event" status' -l 'status' -d 'case-opened/closed: confirmed, asymptomatic, suspected, closeContact, inbound.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code event" minutes' -l 'minutes' -d 'exposure: minutes near the case.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code event" to' -l 'to' -d 'manual-conversion: the colour.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code event" reason' -l 'reason' -d 'manual-conversion: why.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code event" actor' -l 'actor' -d 'Who records it.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code event" at' -l 'at' -d 'When it happened (ISO 8601; no zone = China time). Default: now.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code event" json' -l 'json' -d 'Print JSON.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code event" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code correct" db' -l 'db' -d 'The SQLite event store (created on first use).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code correct" rules' -l 'rules' -d 'The colour rule set: hainan-2020-02, hainan-2021-08, hainan-2022-05, hainan-2022-09.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code correct" person' -l 'person' -d 'The person.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code correct" event' -l 'event' -d 'The id of the event to retract (see `hcard code status --json`).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code correct" reason' -l 'reason' -d 'Why.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code correct" actor' -l 'actor' -d 'Who corrects.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code correct" json' -l 'json' -d 'Print JSON.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code correct" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code issue" db' -l 'db' -d 'The SQLite event store (created on first use).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code issue" rules' -l 'rules' -d 'The colour rule set: hainan-2020-02, hainan-2021-08, hainan-2022-05, hainan-2022-09.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code issue" person' -l 'person' -d 'The person: a citizen ID, or TT:NUMBER.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code issue" key' -l 'key' -d 'The issuer\'s SM2 private key PEM file.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code issue" region' -l 'region' -d 'The issuing region, GB/T 2260. Default: 460100.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code issue" valid' -l 'valid' -d 'Validity: seconds, or with a unit s/m/h/d (24h). Default: 24h.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code issue" at' -l 'at' -d 'Issue time (ISO 8601; no zone = China time). Default: now.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code issue" symbology' -l 'symbology' -d 'qr or grid-matrix (recommended by GB/T 38961; not implemented).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code issue" png' -l 'png' -d 'Write the symbol as a PNG file.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code issue" svg' -l 'svg' -d 'Write the symbol as an SVG file.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code issue" terminal' -l 'terminal' -d 'Show the symbol in the terminal.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code issue" json' -l 'json' -d 'Print JSON.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code issue" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code verify" text' -l 'text' -d 'The scanned text.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code verify" trust' -l 'trust' -d 'The trust list file.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code verify" revoked' -l 'revoked' -d 'The revocation list file.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code verify" person' -l 'person' -d 'The identity document presented with the code (a citizen ID, or TT:NUMBER).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code verify" db' -l 'db' -d 'The event store, to report whether a newer code was issued since.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code verify" skew' -l 'skew' -d 'Allowed clock difference in seconds. Default: 30.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code verify" now' -l 'now' -d 'Verify as of this time (ISO 8601; no zone = China time) instead of now.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code verify" json' -l 'json' -d 'Print JSON.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code verify" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code status" db' -l 'db' -d 'The SQLite event store (created on first use).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code status" rules' -l 'rules' -d 'The colour rule set: hainan-2020-02, hainan-2021-08, hainan-2022-05, hainan-2022-09.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code status" person' -l 'person' -d 'The person: a citizen ID, or TT:NUMBER.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code status" at' -l 'at' -d 'The date (YYYY-MM-DD, or an ISO 8601 time). Default: today in China.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code status" json' -l 'json' -d 'Print JSON, with the events and issued codes.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard code status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard fixtures" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_positional "hcard fixtures" -eq 1' -fa 'validate' -d 'Validate fixture files; one line per finding, exit 1 on any error.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard fixtures validate" trust' -l 'trust' -d 'The trust list for signed codes (default: trust.json beside each fixture).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard fixtures validate" revoked' -l 'revoked' -d 'The revocation list (default: revoked.json beside each fixture).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard fixtures validate" mapping' -l 'mapping' -d 'The field mapping for EMPI CSVs (default: NAME.mapping.json or mapping.json beside each).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard fixtures validate" now' -l 'now' -d 'Check codes as of this time (ISO 8601 with zone) instead of now.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard fixtures validate" json' -l 'json' -d 'Print a JSON report {files, findings, passed} instead of lines.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard fixtures validate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard demo" dir' -l 'dir' -d 'Keep the card image and the QR image in this directory (created if missing).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard demo" terminal-qr' -l 'terminal-qr' -d 'Draw the QR code in the terminal.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard demo" no-terminal-qr' -l 'no-terminal-qr' -d 'Draw the QR code in the terminal.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard demo" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard readers" json' -l 'json' -d 'Print the readers as JSON.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard readers" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard atr" reader' -l 'reader' -d 'PC/SC reader (full name or a unique part of it). Default: the only reader with a card.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard atr" wait' -l 'wait' -d 'Wait up to this many seconds for a card (in --reader, or in any reader).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard atr" json' -l 'json' -d 'Print the ATR as JSON.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard atr" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard apdu" reader' -l 'reader' -d 'PC/SC reader (full name or a unique part of it). Default: the only reader with a card.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard apdu" trace' -l 'trace' -d 'Print every APDU and status word to standard error (PIN bytes masked).'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard apdu" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard emulate" image' -l 'image' -d 'The card image (see `hcard card new`).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard emulate" host' -l 'host' -d 'Host where vpcd (inside pcscd) listens.' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard emulate" port' -l 'port' -d 'vpcd port of the card\'s slot (Virtual PCD 00 00).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard emulate" sam-port' -l 'sam-port' -d 'vpcd port of the SAM\'s slot (Virtual PCD 00 01).' -rfka ''
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard emulate" no-sam' -l 'no-sam' -d 'Attach only the card, no SAM.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard emulate" t0' -l 't0' -d 'Behave as a T=0 card: a T=0-only ATR, data through 61xx + GET RESPONSE, 6Cxx for a wrong Le.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard emulate" trace' -l 'trace' -d 'Print every APDU the card and SAM receive to standard error.'
complete -c 'hcard' -n '__hcard_should_offer_completions_for_flags_or_options "hcard emulate" h help' -s 'h' -l 'help' -d 'Show help information.'
