@onboarding @invitation
Feature: The invitation e-mail
  User guide 1.1, step 1 "Confirm your invitation".
  An external user who is invited to the IAM External Portal receives an e-mail with a link
  labelled "Confirm your invitation", their username (their e-mail address) and an initial password.

  Background:
    Given an organisation administrator has invited a new external user

  @smoke
  Scenario: The invitation e-mail has the link, the username and an initial password
    When the invitation e-mail arrives
    Then its subject is "Confirm your invitation"
    And it has exactly one link labelled "Confirm your invitation"
    And it gives the user's e-mail address as username
    And it gives an initial password

  @negative @security
  Scenario: The invitation link works only once
    Given the invited user has confirmed the invitation from the e-mail
    When the invitation link is opened a second time
    Then the portal says the invitation has already been used
    And it offers no way on to the sign-in
