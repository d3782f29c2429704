// The patterns of the reference docs, exactly as written there, shared by the
// guard, place and end-to-end tests.
#pragma once

namespace allo::testing {

// The ACL example of specifications-README.md (between the """ quotes, which
// Pattern::compile also accepts around it). It matches a three-element
// announce body, not the one deployed clients send: see docs/GUARD_LANGUAGE.md.
inline constexpr const char* kDocsHarryRule = R"("""[
    "interaction", // match exactly on provided value for first field
    "request",
    SourceEntity,  // bare words become variables
    "place",
    _,             // underscore means unused variable = ignored value
    [
      "announce",
      ["identity", Identity],
      _
    ]
  ] where Identity["name"] == "harry" """)";

// The same intent for the announce body deployed clients really send.
inline constexpr const char* kRealHarryRule = R"(["interaction","request",_,"place",_,
 ["announce","version",_,"identity",Identity,"spawn_avatar",_]]
where Identity["display_name"] == "harry")";

// The subscription example of specifications-interactions.md.
inline constexpr const char* kDocsNewTweet = R"("""[
        "new_tweet",
        TweetSender,
        TweetBody
      ] where TweetSender == "nevyn" """)";

}  // namespace allo::testing
