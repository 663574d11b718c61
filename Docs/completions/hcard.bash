#!/bin/bash

__hcard_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__hcard_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__hcard_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__hcard_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_hcard() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(-h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __hcard_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    id|codes|card|read|write|erase|keys|qr|code|checkpoint|passlog|site|register|clue|empi|account|blacklist|platform|fixtures|demo|serve|readers|atr|apdu|emulate|help)
        # Offer subcommand argument completions
        "_hcard_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'id codes card read write erase keys qr code checkpoint passlog site register clue empi account blacklist platform fixtures demo serve readers atr apdu emulate help' -- "${cur}"))
        ;;
    esac
}

_hcard_id() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __hcard_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    check)
        # Offer subcommand argument completions
        "_hcard_id_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'check' -- "${cur}"))
        ;;
    esac
}

_hcard_id_check() {
    repeating_flags=()
    non_repeating_flags=(--json --strict -h --help)
    repeating_options=()
    non_repeating_options=(--today)
    __hcard_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--today')
        return
        ;;
    esac
}

_hcard_codes() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=()
    __hcard_offer_flags_options 1
}

_hcard_card() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __hcard_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    new|layout)
        # Offer subcommand argument completions
        "_hcard_card_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'new layout' -- "${cur}"))
        ;;
    esac
}

_hcard_card_new() {
    repeating_flags=()
    non_repeating_flags=(--force -h --help)
    repeating_options=()
    non_repeating_options=(--holder --issuer --image)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--holder')
        return
        ;;
    '--issuer')
        return
        ;;
    '--image')
        return
        ;;
    esac
}

_hcard_card_layout() {
    repeating_flags=()
    non_repeating_flags=(--markdown -h --help)
    repeating_options=()
    non_repeating_options=()
    __hcard_offer_flags_options 0
}

_hcard_read() {
    repeating_flags=()
    non_repeating_flags=(--trace --json -h --help)
    repeating_options=()
    non_repeating_options=(--image --reader --sam-reader --sam-pin --card-factor --status-db)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--image')
        return
        ;;
    '--reader')
        return
        ;;
    '--sam-reader')
        return
        ;;
    '--sam-pin')
        return
        ;;
    '--card-factor')
        __hcard_add_completions -W 'lastEightHistoricalBytes'$'\n''eightFromByteFive'
        return
        ;;
    '--status-db')
        return
        ;;
    esac
}

_hcard_write() {
    repeating_flags=()
    non_repeating_flags=(--trace --json -h --help)
    repeating_options=()
    non_repeating_options=(--from --image --reader --sam-reader --sam-pin --card-factor)
    __hcard_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--from')
        return
        ;;
    '--image')
        return
        ;;
    '--reader')
        return
        ;;
    '--sam-reader')
        return
        ;;
    '--sam-pin')
        return
        ;;
    '--card-factor')
        __hcard_add_completions -W 'lastEightHistoricalBytes'$'\n''eightFromByteFive'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __hcard_add_completions -W 'payment'$'\n''addresses'$'\n''contacts'$'\n''occupation'$'\n''documents'$'\n''clinical'$'\n''special'$'\n''allergy'$'\n''immunization'$'\n''outpatient'$'\n''inpatient'$'\n''photo'
        return
        ;;
    esac
}

_hcard_erase() {
    repeating_flags=()
    non_repeating_flags=(--trace -h --help)
    repeating_options=()
    non_repeating_options=(--image --reader --sam-reader --sam-pin --card-factor)
    __hcard_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--image')
        return
        ;;
    '--reader')
        return
        ;;
    '--sam-reader')
        return
        ;;
    '--sam-pin')
        return
        ;;
    '--card-factor')
        __hcard_add_completions -W 'lastEightHistoricalBytes'$'\n''eightFromByteFive'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __hcard_add_completions -W 'inpatient'$'\n''outpatient'
        return
        ;;
    esac
}

_hcard_keys() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __hcard_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    generate|public|trust|revoke)
        # Offer subcommand argument completions
        "_hcard_keys_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'generate public trust revoke' -- "${cur}"))
        ;;
    esac
}

_hcard_keys_generate() {
    repeating_flags=()
    non_repeating_flags=(--force --json -h --help)
    repeating_options=()
    non_repeating_options=(--out --public)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--out')
        return
        ;;
    '--public')
        return
        ;;
    esac
}

_hcard_keys_public() {
    repeating_flags=()
    non_repeating_flags=(--force --json -h --help)
    repeating_options=()
    non_repeating_options=(--key --out)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--key')
        return
        ;;
    '--out')
        return
        ;;
    esac
}

_hcard_keys_trust() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __hcard_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    add|list)
        # Offer subcommand argument completions
        "_hcard_keys_trust_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'add list' -- "${cur}"))
        ;;
    esac
}

_hcard_keys_trust_add() {
    repeating_flags=()
    non_repeating_flags=(--replace --json -h --help)
    repeating_options=()
    non_repeating_options=(--trust --public --issuer --valid-from --valid-to)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--trust')
        return
        ;;
    '--public')
        return
        ;;
    '--issuer')
        return
        ;;
    '--valid-from')
        return
        ;;
    '--valid-to')
        return
        ;;
    esac
}

_hcard_keys_trust_list() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--trust)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--trust')
        return
        ;;
    esac
}

_hcard_keys_revoke() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=(--card-id --key-id)
    non_repeating_options=(--revoked)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--revoked')
        return
        ;;
    '--card-id')
        return
        ;;
    '--key-id')
        return
        ;;
    esac
}

_hcard_qr() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __hcard_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    issue|decode|verify|batch)
        # Offer subcommand argument completions
        "_hcard_qr_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'issue decode verify batch' -- "${cur}"))
        ;;
    esac
}

_hcard_qr_issue() {
    repeating_flags=()
    non_repeating_flags=(--static --dynamic --terminal --invert --json -h --help)
    repeating_options=()
    non_repeating_options=(--card-id --window --key --now --png --svg --ec --module-size --quiet-zone --symbology)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--card-id')
        return
        ;;
    '--window')
        return
        ;;
    '--key')
        return
        ;;
    '--now')
        return
        ;;
    '--png')
        return
        ;;
    '--svg')
        return
        ;;
    '--ec')
        __hcard_add_completions -W 'L'$'\n''M'$'\n''Q'$'\n''H'
        return
        ;;
    '--module-size')
        return
        ;;
    '--quiet-zone')
        return
        ;;
    '--symbology')
        __hcard_add_completions -W 'qr'$'\n''grid-matrix'
        return
        ;;
    esac
}

_hcard_qr_decode() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--grey --max-pixels)
    __hcard_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--grey')
        return
        ;;
    '--max-pixels')
        return
        ;;
    esac
}

_hcard_qr_verify() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--text --trust --revoked --status-db --skew --now --replay-cache --grey --max-pixels)
    __hcard_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--text')
        return
        ;;
    '--trust')
        return
        ;;
    '--revoked')
        return
        ;;
    '--status-db')
        return
        ;;
    '--skew')
        return
        ;;
    '--now')
        return
        ;;
    '--replay-cache')
        return
        ;;
    '--grey')
        return
        ;;
    '--max-pixels')
        return
        ;;
    esac
}

_hcard_qr_batch() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--csv --out --key --format --jobs --ec --module-size --quiet-zone --now)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--csv')
        return
        ;;
    '--out')
        return
        ;;
    '--key')
        return
        ;;
    '--format')
        __hcard_add_completions -W 'png'$'\n''svg'
        return
        ;;
    '--jobs')
        return
        ;;
    '--ec')
        __hcard_add_completions -W 'L'$'\n''M'$'\n''Q'$'\n''H'
        return
        ;;
    '--module-size')
        return
        ;;
    '--quiet-zone')
        return
        ;;
    '--now')
        return
        ;;
    esac
}

_hcard_code() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __hcard_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    declare|trip|event|correct|issue|verify|status)
        # Offer subcommand argument completions
        "_hcard_code_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'declare trip event correct issue verify status' -- "${cur}"))
        ;;
    esac
}

_hcard_code_declare() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--db --rules --from --at)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--rules')
        return
        ;;
    '--from')
        return
        ;;
    '--at')
        return
        ;;
    esac
}

_hcard_code_trip() {
    repeating_flags=()
    non_repeating_flags=(--risk-area --json -h --help)
    repeating_options=()
    non_repeating_options=(--db --rules --person --region --country --arrival --departure --at)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--rules')
        return
        ;;
    '--person')
        return
        ;;
    '--region')
        return
        ;;
    '--country')
        return
        ;;
    '--arrival')
        return
        ;;
    '--departure')
        return
        ;;
    '--at')
        return
        ;;
    esac
}

_hcard_code_event() {
    repeating_flags=()
    non_repeating_flags=(--abnormal --positive --excludes-covid --json -h --help)
    repeating_options=()
    non_repeating_options=(--db --rules --person --kind --status --minutes --to --reason --actor --at)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--rules')
        return
        ;;
    '--person')
        return
        ;;
    '--kind')
        __hcard_add_completions -W 'check-in'$'\n''test-result'$'\n''fever-clinic'$'\n''case-opened'$'\n''case-closed'$'\n''exposure'$'\n''manual-conversion'
        return
        ;;
    '--status')
        return
        ;;
    '--minutes')
        return
        ;;
    '--to')
        return
        ;;
    '--reason')
        return
        ;;
    '--actor')
        return
        ;;
    '--at')
        return
        ;;
    esac
}

_hcard_code_correct() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--db --rules --person --event --reason --actor)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--rules')
        return
        ;;
    '--person')
        return
        ;;
    '--event')
        return
        ;;
    '--reason')
        return
        ;;
    '--actor')
        return
        ;;
    esac
}

_hcard_code_issue() {
    repeating_flags=()
    non_repeating_flags=(--terminal --json -h --help)
    repeating_options=()
    non_repeating_options=(--db --rules --person --key --region --valid --at --symbology --png --svg)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--rules')
        return
        ;;
    '--person')
        return
        ;;
    '--key')
        return
        ;;
    '--region')
        return
        ;;
    '--valid')
        return
        ;;
    '--at')
        return
        ;;
    '--symbology')
        return
        ;;
    '--png')
        return
        ;;
    '--svg')
        return
        ;;
    esac
}

_hcard_code_verify() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--text --trust --revoked --status-db --skew --person --db --max-pixels --now)
    __hcard_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--text')
        return
        ;;
    '--trust')
        return
        ;;
    '--revoked')
        return
        ;;
    '--status-db')
        return
        ;;
    '--skew')
        return
        ;;
    '--person')
        return
        ;;
    '--db')
        return
        ;;
    '--max-pixels')
        return
        ;;
    '--now')
        return
        ;;
    esac
}

_hcard_code_status() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--db --rules --person --at)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--rules')
        return
        ;;
    '--person')
        return
        ;;
    '--at')
        return
        ;;
    esac
}

_hcard_checkpoint() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __hcard_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    scan|station)
        # Offer subcommand argument completions
        "_hcard_checkpoint_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'scan station' -- "${cur}"))
        ;;
    esac
}

_hcard_checkpoint_scan() {
    repeating_flags=()
    non_repeating_flags=(--batch --temperature-optional --id-suffices --full-id --json -h --help)
    repeating_options=(--allow)
    non_repeating_options=(--text --id --log --checkpoint --name --area --department --direction --temperature --plate --policy --temperature-limit --trust --revoked --status-db --skew --max-pixels --replay-cache --now)
    __hcard_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--text')
        return
        ;;
    '--id')
        return
        ;;
    '--log')
        return
        ;;
    '--checkpoint')
        return
        ;;
    '--name')
        return
        ;;
    '--area')
        return
        ;;
    '--department')
        return
        ;;
    '--direction')
        __hcard_add_completions -W 'in'$'\n''out'
        return
        ;;
    '--temperature')
        return
        ;;
    '--plate')
        return
        ;;
    '--policy')
        return
        ;;
    '--allow')
        return
        ;;
    '--temperature-limit')
        return
        ;;
    '--trust')
        return
        ;;
    '--revoked')
        return
        ;;
    '--status-db')
        return
        ;;
    '--skew')
        return
        ;;
    '--max-pixels')
        return
        ;;
    '--replay-cache')
        return
        ;;
    '--now')
        return
        ;;
    esac
}

_hcard_checkpoint_station() {
    repeating_flags=()
    non_repeating_flags=(--dry-run --check --test-door --json -h --help)
    repeating_options=()
    non_repeating_options=(--config)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    esac
}

_hcard_passlog() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __hcard_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    query|counts|export|trajectory|companions|frequency|inside|stays|departments)
        # Offer subcommand argument completions
        "_hcard_passlog_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'query counts export trajectory companions frequency inside stays departments' -- "${cur}"))
        ;;
    esac
}

_hcard_passlog_query() {
    repeating_flags=()
    non_repeating_flags=(--full-id --json -h --help)
    repeating_options=()
    non_repeating_options=(--log --from --to --checkpoint --department --area --person --decision --direction --limit)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--log')
        return
        ;;
    '--from')
        return
        ;;
    '--to')
        return
        ;;
    '--checkpoint')
        return
        ;;
    '--department')
        return
        ;;
    '--area')
        return
        ;;
    '--person')
        return
        ;;
    '--decision')
        __hcard_add_completions -W 'pass'$'\n''deny'
        return
        ;;
    '--direction')
        __hcard_add_completions -W 'in'$'\n''out'
        return
        ;;
    '--limit')
        return
        ;;
    esac
}

_hcard_passlog_counts() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--log --from --to --checkpoint --department --area --person --decision --direction --by)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--log')
        return
        ;;
    '--from')
        return
        ;;
    '--to')
        return
        ;;
    '--checkpoint')
        return
        ;;
    '--department')
        return
        ;;
    '--area')
        return
        ;;
    '--person')
        return
        ;;
    '--decision')
        __hcard_add_completions -W 'pass'$'\n''deny'
        return
        ;;
    '--direction')
        __hcard_add_completions -W 'in'$'\n''out'
        return
        ;;
    '--by')
        __hcard_add_completions -W 'hour'$'\n''checkpoint'
        return
        ;;
    esac
}

_hcard_passlog_export() {
    repeating_flags=()
    non_repeating_flags=(--csv --json --full-id -h --help)
    repeating_options=()
    non_repeating_options=(--log --from --to --checkpoint --department --area --person --decision --direction --out)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--log')
        return
        ;;
    '--from')
        return
        ;;
    '--to')
        return
        ;;
    '--checkpoint')
        return
        ;;
    '--department')
        return
        ;;
    '--area')
        return
        ;;
    '--person')
        return
        ;;
    '--decision')
        __hcard_add_completions -W 'pass'$'\n''deny'
        return
        ;;
    '--direction')
        __hcard_add_completions -W 'in'$'\n''out'
        return
        ;;
    '--out')
        return
        ;;
    esac
}

_hcard_passlog_trajectory() {
    repeating_flags=()
    non_repeating_flags=(--full-id --json -h --help)
    repeating_options=()
    non_repeating_options=(--log --person --days --now)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--log')
        return
        ;;
    '--person')
        return
        ;;
    '--days')
        return
        ;;
    '--now')
        return
        ;;
    esac
}

_hcard_passlog_companions() {
    repeating_flags=()
    non_repeating_flags=(--full-id --json -h --help)
    repeating_options=()
    non_repeating_options=(--log --person --minutes --days --now --limit)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--log')
        return
        ;;
    '--person')
        return
        ;;
    '--minutes')
        return
        ;;
    '--days')
        return
        ;;
    '--now')
        return
        ;;
    '--limit')
        return
        ;;
    esac
}

_hcard_passlog_frequency() {
    repeating_flags=()
    non_repeating_flags=(--full-id --json -h --help)
    repeating_options=()
    non_repeating_options=(--log --from --to --checkpoint --department --area --person --decision --direction --min-visits --limit)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--log')
        return
        ;;
    '--from')
        return
        ;;
    '--to')
        return
        ;;
    '--checkpoint')
        return
        ;;
    '--department')
        return
        ;;
    '--area')
        return
        ;;
    '--person')
        return
        ;;
    '--decision')
        __hcard_add_completions -W 'pass'$'\n''deny'
        return
        ;;
    '--direction')
        __hcard_add_completions -W 'in'$'\n''out'
        return
        ;;
    '--min-visits')
        return
        ;;
    '--limit')
        return
        ;;
    esac
}

_hcard_passlog_inside() {
    repeating_flags=()
    non_repeating_flags=(--full-id --json -h --help)
    repeating_options=()
    non_repeating_options=(--log --from --to --checkpoint --department --area --person --decision --direction)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--log')
        return
        ;;
    '--from')
        return
        ;;
    '--to')
        return
        ;;
    '--checkpoint')
        return
        ;;
    '--department')
        return
        ;;
    '--area')
        return
        ;;
    '--person')
        return
        ;;
    '--decision')
        __hcard_add_completions -W 'pass'$'\n''deny'
        return
        ;;
    '--direction')
        __hcard_add_completions -W 'in'$'\n''out'
        return
        ;;
    esac
}

_hcard_passlog_stays() {
    repeating_flags=()
    non_repeating_flags=(--full-id --json -h --help)
    repeating_options=()
    non_repeating_options=(--log --from --to --checkpoint --department --area --person --decision --direction)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--log')
        return
        ;;
    '--from')
        return
        ;;
    '--to')
        return
        ;;
    '--checkpoint')
        return
        ;;
    '--department')
        return
        ;;
    '--area')
        return
        ;;
    '--person')
        return
        ;;
    '--decision')
        __hcard_add_completions -W 'pass'$'\n''deny'
        return
        ;;
    '--direction')
        __hcard_add_completions -W 'in'$'\n''out'
        return
        ;;
    esac
}

_hcard_passlog_departments() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--log --from --to --checkpoint --department --area --person --decision --direction)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--log')
        return
        ;;
    '--from')
        return
        ;;
    '--to')
        return
        ;;
    '--checkpoint')
        return
        ;;
    '--department')
        return
        ;;
    '--area')
        return
        ;;
    '--person')
        return
        ;;
    '--decision')
        __hcard_add_completions -W 'pass'$'\n''deny'
        return
        ;;
    '--direction')
        __hcard_add_completions -W 'in'$'\n''out'
        return
        ;;
    esac
}

_hcard_site() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __hcard_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    add|list)
        # Offer subcommand argument completions
        "_hcard_site_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'add list' -- "${cur}"))
        ;;
    esac
}

_hcard_site_add() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=(--store --id --type --name --region --operator)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--store')
        return
        ;;
    '--id')
        return
        ;;
    '--type')
        __hcard_add_completions -W 'feverClinic'$'\n''pharmacy'$'\n''observationSite'$'\n''employer'$'\n''checkpoint'
        return
        ;;
    '--name')
        return
        ;;
    '--region')
        return
        ;;
    '--operator')
        return
        ;;
    esac
}

_hcard_site_list() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--store)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--store')
        return
        ;;
    esac
}

_hcard_register() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __hcard_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    new|forms|list|export|purge|employees)
        # Offer subcommand argument completions
        "_hcard_register_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'new forms list export purge employees' -- "${cur}"))
        ;;
    esac
}

_hcard_register_new() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=(--field)
    non_repeating_options=(--text --id --store --site --operator --values --trust --revoked --events --rules --now)
    __hcard_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--text')
        return
        ;;
    '--id')
        return
        ;;
    '--store')
        return
        ;;
    '--site')
        return
        ;;
    '--operator')
        return
        ;;
    '--field')
        return
        ;;
    '--values')
        return
        ;;
    '--trust')
        return
        ;;
    '--revoked')
        return
        ;;
    '--events')
        return
        ;;
    '--rules')
        return
        ;;
    '--now')
        return
        ;;
    esac
}

_hcard_register_forms() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=()
    __hcard_offer_flags_options 1
}

_hcard_register_list() {
    repeating_flags=()
    non_repeating_flags=(--full-id --json -h --help)
    repeating_options=()
    non_repeating_options=(--store --site --form --from --to)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--store')
        return
        ;;
    '--site')
        return
        ;;
    '--form')
        return
        ;;
    '--from')
        return
        ;;
    '--to')
        return
        ;;
    esac
}

_hcard_register_export() {
    repeating_flags=()
    non_repeating_flags=(--full-id -h --help)
    repeating_options=()
    non_repeating_options=(--store --site --form --from --to --output --format)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--store')
        return
        ;;
    '--site')
        return
        ;;
    '--form')
        return
        ;;
    '--from')
        return
        ;;
    '--to')
        return
        ;;
    '--output')
        return
        ;;
    '--format')
        __hcard_add_completions -W 'csv'$'\n''json'
        return
        ;;
    esac
}

_hcard_register_purge() {
    repeating_flags=()
    non_repeating_flags=(--audit -h --help)
    repeating_options=()
    non_repeating_options=(--store --older-than --actor --now)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--store')
        return
        ;;
    '--older-than')
        return
        ;;
    '--actor')
        return
        ;;
    '--now')
        return
        ;;
    esac
}

_hcard_register_employees() {
    repeating_flags=()
    non_repeating_flags=(--full-id -h --help)
    repeating_options=()
    non_repeating_options=(--store --site --events --rules)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--store')
        return
        ;;
    '--site')
        return
        ;;
    '--events')
        return
        ;;
    '--rules')
        return
        ;;
    esac
}

_hcard_clue() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __hcard_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    handler|report|notify|ack|feedback|list|overdue)
        # Offer subcommand argument completions
        "_hcard_clue_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'handler report notify ack feedback list overdue' -- "${cur}"))
        ;;
    esac
}

_hcard_clue_handler() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=(--store --outbox --ack-hours --feedback-hours --region --name --phone)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--store')
        return
        ;;
    '--outbox')
        return
        ;;
    '--ack-hours')
        return
        ;;
    '--feedback-hours')
        return
        ;;
    '--region')
        return
        ;;
    '--name')
        return
        ;;
    '--phone')
        return
        ;;
    esac
}

_hcard_clue_report() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=(--store --outbox --ack-hours --feedback-hours --subject --region --place --description --phone)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--store')
        return
        ;;
    '--outbox')
        return
        ;;
    '--ack-hours')
        return
        ;;
    '--feedback-hours')
        return
        ;;
    '--subject')
        return
        ;;
    '--region')
        return
        ;;
    '--place')
        return
        ;;
    '--description')
        return
        ;;
    '--phone')
        return
        ;;
    esac
}

_hcard_clue_notify() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=(--store --outbox --ack-hours --feedback-hours)
    __hcard_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--store')
        return
        ;;
    '--outbox')
        return
        ;;
    '--ack-hours')
        return
        ;;
    '--feedback-hours')
        return
        ;;
    esac
}

_hcard_clue_ack() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=(--store --outbox --ack-hours --feedback-hours --by)
    __hcard_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--store')
        return
        ;;
    '--outbox')
        return
        ;;
    '--ack-hours')
        return
        ;;
    '--feedback-hours')
        return
        ;;
    '--by')
        return
        ;;
    esac
}

_hcard_clue_feedback() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=(--store --outbox --ack-hours --feedback-hours --text)
    __hcard_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--store')
        return
        ;;
    '--outbox')
        return
        ;;
    '--ack-hours')
        return
        ;;
    '--feedback-hours')
        return
        ;;
    '--text')
        return
        ;;
    esac
}

_hcard_clue_list() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=(--store --outbox --ack-hours --feedback-hours --region)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--store')
        return
        ;;
    '--outbox')
        return
        ;;
    '--ack-hours')
        return
        ;;
    '--feedback-hours')
        return
        ;;
    '--region')
        return
        ;;
    esac
}

_hcard_clue_overdue() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=(--store --outbox --ack-hours --feedback-hours --now)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--store')
        return
        ;;
    '--outbox')
        return
        ;;
    '--ack-hours')
        return
        ;;
    '--feedback-hours')
        return
        ;;
    '--now')
        return
        ;;
    esac
}

_hcard_empi() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __hcard_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    init|domain|ingest|match|query|find|link|unlink|merge|unmerge|review|events|stats|explain|dedupe|link-files)
        # Offer subcommand argument completions
        "_hcard_empi_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'init domain ingest match query find link unlink merge unmerge review events stats explain dedupe link-files' -- "${cur}"))
        ;;
    esac
}

_hcard_empi_init() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=(--model)
    __hcard_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--model')
        return
        ;;
    esac
}

_hcard_empi_domain() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __hcard_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    add|list)
        # Offer subcommand argument completions
        "_hcard_empi_domain_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'add list' -- "${cur}"))
        ;;
    esac
}

_hcard_empi_domain_add() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=(--db --code --name --oid --type --validator --uniqueness --issuer --trust)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--code')
        return
        ;;
    '--name')
        return
        ;;
    '--oid')
        return
        ;;
    '--type')
        return
        ;;
    '--validator')
        return
        ;;
    '--uniqueness')
        return
        ;;
    '--issuer')
        return
        ;;
    '--trust')
        return
        ;;
    esac
}

_hcard_empi_domain_list() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--db)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    esac
}

_hcard_empi_ingest() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--db --csv --mapping --actor)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--csv')
        return
        ;;
    '--mapping')
        return
        ;;
    '--actor')
        return
        ;;
    esac
}

_hcard_empi_match() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=(--db --json)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--json')
        return
        ;;
    esac
}

_hcard_empi_query() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=(--target)
    non_repeating_options=(--db --domain --id)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--domain')
        return
        ;;
    '--id')
        return
        ;;
    '--target')
        return
        ;;
    esac
}

_hcard_empi_find() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=(--identifier)
    non_repeating_options=(--db --name --birth-date --sex --after --limit)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--name')
        return
        ;;
    '--birth-date')
        return
        ;;
    '--sex')
        return
        ;;
    '--identifier')
        return
        ;;
    '--after')
        return
        ;;
    '--limit')
        return
        ;;
    esac
}

_hcard_empi_link() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--db --record --person --actor)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--record')
        return
        ;;
    '--person')
        return
        ;;
    '--actor')
        return
        ;;
    esac
}

_hcard_empi_unlink() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--db --record --actor)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--record')
        return
        ;;
    '--actor')
        return
        ;;
    esac
}

_hcard_empi_merge() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--db --subsumed --survivor --actor)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--subsumed')
        return
        ;;
    '--survivor')
        return
        ;;
    '--actor')
        return
        ;;
    esac
}

_hcard_empi_unmerge() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--db --person --actor)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--person')
        return
        ;;
    '--actor')
        return
        ;;
    esac
}

_hcard_empi_review() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __hcard_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list|resolve)
        # Offer subcommand argument completions
        "_hcard_empi_review_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list resolve' -- "${cur}"))
        ;;
    esac
}

_hcard_empi_review_list() {
    repeating_flags=()
    non_repeating_flags=(--all --json -h --help)
    repeating_options=()
    non_repeating_options=(--db)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    esac
}

_hcard_empi_review_resolve() {
    repeating_flags=()
    non_repeating_flags=(--separate --json -h --help)
    repeating_options=()
    non_repeating_options=(--db --link --actor)
    __hcard_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--link')
        return
        ;;
    '--actor')
        return
        ;;
    esac
}

_hcard_empi_events() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--db --since --limit)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--since')
        return
        ;;
    '--limit')
        return
        ;;
    esac
}

_hcard_empi_stats() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--db)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    esac
}

_hcard_empi_explain() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=(--db)
    __hcard_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    esac
}

_hcard_empi_dedupe() {
    repeating_flags=()
    non_repeating_flags=(--estimate --json -h --help)
    repeating_options=()
    non_repeating_options=(--csv --mapping --out --clusters --model --save-model)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--csv')
        return
        ;;
    '--mapping')
        return
        ;;
    '--out')
        return
        ;;
    '--clusters')
        return
        ;;
    '--model')
        return
        ;;
    '--save-model')
        return
        ;;
    esac
}

_hcard_empi_link-files() {
    repeating_flags=()
    non_repeating_flags=(--estimate --json -h --help)
    repeating_options=()
    non_repeating_options=(--left --right --right-mapping --mapping --out --clusters --model --save-model)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--left')
        return
        ;;
    '--right')
        return
        ;;
    '--right-mapping')
        return
        ;;
    '--mapping')
        return
        ;;
    '--out')
        return
        ;;
    '--clusters')
        return
        ;;
    '--model')
        return
        ;;
    '--save-model')
        return
        ;;
    esac
}

_hcard_account() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __hcard_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    register|show|update|cancel|lost|replace|bind-bank|unbind-bank)
        # Offer subcommand argument completions
        "_hcard_account_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'register show update cancel lost replace bind-bank unbind-bank' -- "${cur}"))
        ;;
    esac
}

_hcard_account_register() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--db --actor --name --id --phone --address --channel --card)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--actor')
        return
        ;;
    '--name')
        return
        ;;
    '--id')
        return
        ;;
    '--phone')
        return
        ;;
    '--address')
        return
        ;;
    '--channel')
        return
        ;;
    '--card')
        return
        ;;
    esac
}

_hcard_account_show() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--db --actor --id --ecard)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--actor')
        return
        ;;
    '--id')
        return
        ;;
    '--ecard')
        return
        ;;
    esac
}

_hcard_account_update() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--db --actor --id --ecard --phone --address)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--actor')
        return
        ;;
    '--id')
        return
        ;;
    '--ecard')
        return
        ;;
    '--phone')
        return
        ;;
    '--address')
        return
        ;;
    esac
}

_hcard_account_cancel() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--db --actor --id --ecard --reason)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--actor')
        return
        ;;
    '--id')
        return
        ;;
    '--ecard')
        return
        ;;
    '--reason')
        return
        ;;
    esac
}

_hcard_account_lost() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--db --actor --card)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--actor')
        return
        ;;
    '--card')
        return
        ;;
    esac
}

_hcard_account_replace() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--db --actor --card --new-card)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--actor')
        return
        ;;
    '--card')
        return
        ;;
    '--new-card')
        return
        ;;
    esac
}

_hcard_account_bind-bank() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--db --actor --id --ecard --bank-card)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--actor')
        return
        ;;
    '--id')
        return
        ;;
    '--ecard')
        return
        ;;
    '--bank-card')
        return
        ;;
    esac
}

_hcard_account_unbind-bank() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--db --actor --id --ecard --bank-card)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--actor')
        return
        ;;
    '--id')
        return
        ;;
    '--ecard')
        return
        ;;
    '--bank-card')
        return
        ;;
    esac
}

_hcard_blacklist() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __hcard_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    add|remove|list|export|import)
        # Offer subcommand argument completions
        "_hcard_blacklist_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'add remove list export import' -- "${cur}"))
        ;;
    esac
}

_hcard_blacklist_add() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=(--db --actor --card --reason)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--actor')
        return
        ;;
    '--card')
        return
        ;;
    '--reason')
        return
        ;;
    esac
}

_hcard_blacklist_remove() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=(--db --actor --card --reason)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--actor')
        return
        ;;
    '--card')
        return
        ;;
    '--reason')
        return
        ;;
    esac
}

_hcard_blacklist_list() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--db --actor)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--actor')
        return
        ;;
    esac
}

_hcard_blacklist_export() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=(--db --actor --source --out --since)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--actor')
        return
        ;;
    '--source')
        return
        ;;
    '--out')
        return
        ;;
    '--since')
        return
        ;;
    esac
}

_hcard_blacklist_import() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--db --actor)
    __hcard_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--db')
        return
        ;;
    '--actor')
        return
        ;;
    esac
}

_hcard_platform() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __hcard_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    export|import|sign-request)
        # Offer subcommand argument completions
        "_hcard_platform_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'export import sign-request' -- "${cur}"))
        ;;
    esac
}

_hcard_platform_export() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=(--kind --db --actor --source --out --since)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--kind')
        __hcard_add_completions -W 'card'$'\n''blacklist'$'\n''whitelist'$'\n''resident'$'\n''oplog'$'\n''blacklist-changes'$'\n''whitelist-changes'
        return
        ;;
    '--db')
        return
        ;;
    '--actor')
        return
        ;;
    '--source')
        return
        ;;
    '--out')
        return
        ;;
    '--since')
        return
        ;;
    esac
}

_hcard_platform_import() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--kind --db --actor)
    __hcard_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--kind')
        __hcard_add_completions -W 'card'$'\n''blacklist'$'\n''whitelist'$'\n''resident'$'\n''oplog'$'\n''blacklist-changes'$'\n''whitelist-changes'
        return
        ;;
    '--db')
        return
        ;;
    '--actor')
        return
        ;;
    esac
}

_hcard_platform_sign-request() {
    repeating_flags=()
    non_repeating_flags=(--sign-only -h --help)
    repeating_options=()
    non_repeating_options=(--secret-file)
    __hcard_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--secret-file')
        return
        ;;
    esac
}

_hcard_fixtures() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __hcard_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    validate)
        # Offer subcommand argument completions
        "_hcard_fixtures_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'validate' -- "${cur}"))
        ;;
    esac
}

_hcard_fixtures_validate() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--trust --revoked --mapping --now --max-pixels)
    __hcard_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--trust')
        return
        ;;
    '--revoked')
        return
        ;;
    '--mapping')
        return
        ;;
    '--now')
        return
        ;;
    '--max-pixels')
        return
        ;;
    esac
}

_hcard_demo() {
    repeating_flags=()
    non_repeating_flags=(--terminal-qr --no-terminal-qr -h --help)
    repeating_options=()
    non_repeating_options=(--dir)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--dir')
        return
        ;;
    esac
}

_hcard_serve() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __hcard_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    run|key|copy-index)
        # Offer subcommand argument completions
        "_hcard_serve_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'run key copy-index' -- "${cur}"))
        ;;
    esac
}

_hcard_serve_run() {
    repeating_flags=()
    non_repeating_flags=(--require-code-application -h --help)
    repeating_options=()
    non_repeating_options=(--config --db --postgres --listen --trust --revoked --skew --log-level --health-code-db --rules --issuer-key --pass-log --checkpoint-policy)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--db')
        return
        ;;
    '--postgres')
        return
        ;;
    '--listen')
        return
        ;;
    '--trust')
        return
        ;;
    '--revoked')
        return
        ;;
    '--skew')
        return
        ;;
    '--log-level')
        return
        ;;
    '--health-code-db')
        return
        ;;
    '--rules')
        return
        ;;
    '--issuer-key')
        return
        ;;
    '--pass-log')
        return
        ;;
    '--checkpoint-policy')
        return
        ;;
    esac
}

_hcard_serve_key() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=()
    __hcard_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    add|list|revoke)
        # Offer subcommand argument completions
        "_hcard_serve_key_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'add list revoke' -- "${cur}"))
        ;;
    esac
}

_hcard_serve_key_add() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=(--config --db --postgres --name --roles)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--db')
        return
        ;;
    '--postgres')
        return
        ;;
    '--name')
        return
        ;;
    '--roles')
        return
        ;;
    esac
}

_hcard_serve_key_list() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=(--config --db --postgres)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--db')
        return
        ;;
    '--postgres')
        return
        ;;
    esac
}

_hcard_serve_key_revoke() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=(--config --db --postgres --name)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--db')
        return
        ;;
    '--postgres')
        return
        ;;
    '--name')
        return
        ;;
    esac
}

_hcard_serve_copy-index() {
    repeating_flags=()
    non_repeating_flags=(-h --help)
    repeating_options=()
    non_repeating_options=(--config --db --postgres)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--config')
        return
        ;;
    '--db')
        return
        ;;
    '--postgres')
        return
        ;;
    esac
}

_hcard_readers() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=()
    __hcard_offer_flags_options 0
}

_hcard_atr() {
    repeating_flags=()
    non_repeating_flags=(--json -h --help)
    repeating_options=()
    non_repeating_options=(--reader --wait)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--reader')
        return
        ;;
    '--wait')
        return
        ;;
    esac
}

_hcard_apdu() {
    repeating_flags=()
    non_repeating_flags=(--trace -h --help)
    repeating_options=()
    non_repeating_options=(--reader)
    __hcard_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--reader')
        return
        ;;
    esac
}

_hcard_emulate() {
    repeating_flags=()
    non_repeating_flags=(--no-sam --t0 --trace -h --help)
    repeating_options=()
    non_repeating_options=(--image --host --port --sam-port)
    __hcard_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--image')
        return
        ;;
    '--host')
        return
        ;;
    '--port')
        return
        ;;
    '--sam-port')
        return
        ;;
    esac
}

_hcard_help() {
    :
}

complete -o filenames -F _hcard hcard
