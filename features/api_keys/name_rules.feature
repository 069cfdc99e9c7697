@api-keys @negative
Feature: Rules for the name of an API key
  User guide 2.2: the user enters the name of the API key. A name is required, leading and trailing
  spaces do not count, it has 3 to 64 characters, and no two active keys of one organisation share it.
  A refused name creates nothing. (Typed key names get a short random suffix, so runs never share one.)

  Scenario Outline: A name that is <problem> is refused and no key is created
    Given an onboarded external user with the role "API key manager" in their organisation
    And they have signed in to the IAM External Portal
    And they have created the API key "Nightly export" for their organisation in FAMHP Connect
    When they try to create an API key for their organisation with a name that is <problem>
    Then the name is refused with the message "<message>"
    And their API keys are still only "Nightly export"

    Examples:
      | problem                           | message                                                          |
      | empty                             | Enter a name for the API key.                                    |
      | only spaces                       | Enter a name for the API key.                                    |
      | too short (2 characters)          | The name must be 3 to 64 characters long.                        |
      | too long (65 characters)          | The name must be 3 to 64 characters long.                        |
      | already used in that organisation | This organisation already has an active API key with this name. |

  Scenario: The same name is allowed in another organisation
    Given an onboarded external user with the role "API key manager" in their organisation and their second organisation
    And they have signed in to the IAM External Portal
    And they have created the API key "Nightly export" for their organisation in FAMHP Connect
    When they create the API key "Nightly export" for their second organisation
    Then the list shows the API key "Nightly export" of their organisation, active and created by them
    And the list shows the API key "Nightly export" of their second organisation, active and created by them
    And the API key "Nightly export" opens the FAMHP Connect API for their second organisation
