@onboarding
Feature: Choosing a new password
  User guide 1.1 step 4 "Choose a new password": the new password must meet the policy
  (12 to 64 characters, an upper-case and a lower-case letter, a digit and a special character,
  not the e-mail address, not one of the last 3 passwords).

  @negative
  Scenario Outline: A new password that <breaks the policy> is refused
    Given an invited user has reached the step to choose a new password
    When they choose a new password that <breaks the policy>
    Then the new password is refused with a message
    And they are still asked to choose a new password
    When they choose a new password that meets the policy
    Then the IAM External Portal opens

    Examples:
      | breaks the policy               |
      | is too short                    |
      | has no upper-case letter        |
      | has no lower-case letter        |
      | has no digit                    |
      | has no special character        |
      | is their e-mail address         |
      | is the initial password again   |
      | does not match its confirmation |
